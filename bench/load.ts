/**
 * Load on loopback with autocannon: the token route (signed in) and the signed voice webhook of a real
 * listening server, bounded in time. Latency percentiles come from every 2xx response's own timing (in
 * microseconds, finer than autocannon's millisecond histogram); server CPU per request comes from the
 * server process's own counters.
 *
 *   npx tsx bench/load.ts [seconds per route, default 10] [connections, default 10]
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { RequestSpec, RouteName, TargetName } from './targets';
import type { LogLevel } from '../server/config';

export interface LoadResult {
  target: TargetName;
  route: RouteName;
  durationSeconds: number;
  connections: number;
  requests: number;
  /** 2xx responses per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Server CPU time (user + system) per request, microseconds. */
  cpuMicrosPerRequest: number;
}

export interface RemoteTarget {
  name: TargetName;
  port: number;
  routes: Partial<Record<RouteName, RequestSpec>>;
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

const TARGET_PROCESS = fileURLToPath(new URL('./target-process.ts', import.meta.url));
/** How long a target may take to close before it is killed: longer than its PostgreSQL's own stop (30 s). */
const TARGET_CLOSE_MS = 45_000;

/** Starts a target in a child process (see target-process.ts) and waits until it listens. */
export function spawnTarget(name: TargetName, logLevel: LogLevel = 'info'): Promise<RemoteTarget> {
  const child: ChildProcess = fork(TARGET_PROCESS, [name, logLevel], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      child.kill();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => fail(new Error(`${name} exited with code ${code} before listening`)));
    child.once('error', fail);
    child.once('message', (message: { type: string; port: number; routes: RemoteTarget['routes'] }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        name,
        port: message.port,
        routes: message.routes,
        cpuMicros: () =>
          new Promise((done) => {
            child.once('message', (reply: { micros: number }) => done(reply.micros));
            child.send({ type: 'cpu' });
          }),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            // The softphone target stops its own PostgreSQL on the way out (a durable cluster: a shutdown
            // checkpoint, seconds on a busy machine). Killed before that, it would leave that PostgreSQL
            // running; the cluster's own stop gives up after 30 s, so this only catches a hung process.
            const killer = setTimeout(() => child.kill('SIGKILL'), TARGET_CLOSE_MS);
            child.once('exit', () => {
              clearTimeout(killer);
              done();
            });
            child.disconnect();
          }),
      });
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface MeasureOptions {
  durationSeconds: number;
  connections?: number;
  /** Unmeasured seconds first, so the figures are of warm (JIT-compiled) code. */
  warmupSeconds?: number;
}

function fire(port: number, spec: RequestSpec, durationSeconds: number, connections: number, onLatency?: (ms: number) => void) {
  const instance = autocannon({
    url: `http://127.0.0.1:${port}${spec.path}`,
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    connections,
    duration: durationSeconds,
    timeout: 10,
  });
  if (onLatency) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) onLatency(ms);
    });
  }
  return instance;
}

export async function measure(target: RemoteTarget, route: RouteName, options: MeasureOptions): Promise<LoadResult> {
  const spec = target.routes[route];
  if (!spec) throw new Error(`${target.name} has no ${route} route`);
  const connections = options.connections ?? 10;
  const warmup = options.warmupSeconds ?? Math.min(1, options.durationSeconds / 2);
  if (warmup > 0) await fire(target.port, spec, warmup, connections);

  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const cpuBefore = await target.cpuMicros();
  const result = await fire(target.port, spec, options.durationSeconds, connections, (ms) => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  });
  const cpuAfter = await target.cpuMicros();
  const sorted = latencies.subarray(0, count).sort();
  const requests = result.requests.total;
  return {
    target: target.name,
    route,
    durationSeconds: result.duration,
    connections,
    requests,
    rps: result['2xx'] / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: requests === 0 ? 0 : (cpuAfter - cpuBefore) / requests,
  };
}

export function describeLoad(r: LoadResult): string {
  return (
    `${`${r.target} ${r.route}`.padEnd(28)} ${Math.round(r.rps).toString().padStart(7)} req/s  ` +
    `p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms  ` +
    `${r.cpuMicrosPerRequest.toFixed(0).padStart(5)} µs CPU/req  ${r.errors} errors  ${r.timeouts} timeouts  ${r.non2xx} non-2xx`
  );
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const connections = Number(process.argv[3] ?? 10);
  const target = await spawnTarget('softphone');
  try {
    for (const route of ['token', 'webhook'] as const) {
      console.log(describeLoad(await measure(target, route, { durationSeconds: seconds, connections })));
    }
  } finally {
    await target.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
