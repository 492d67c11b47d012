/**
 * Bench section "storage": the database behind the call history, measured from outside a real server
 * (a child process in local mode with its embedded PostgreSQL, 25 users):
 * - the embedded PostgreSQL's first start (initdb), restart, and memory (PSS of all its processes);
 * - status callbacks written per second over HTTPS, 16 at a time, with their latency (each answer comes
 *   after the commit, so this is the write path itself);
 * - GET /api/calls latency with 100,000 calls in the table: first pages, deep pages by cursor, the Missed
 *   filter, as different users;
 * - fan-out: one callback → the `call` event on 200 open event streams (25 users × 8), the delay from
 *   sending the callback to each stream's arrival, over 20 callbacks.
 * (The callback → on-screen latency in a browser is the web app's figure.)
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { LOCAL_TEAM_NUMBER } from '../local-setup/demo';
import { EmbeddedPostgres, runningEmbedded } from '../server/store/embedded/cluster';
import { readPostmaster } from '../server/store/embedded/postmaster';
import { reachableTempDir } from '../test-support/database';
import { openEventStream } from '../test-support/event-stream';
import type { EventStreamClient } from '../test-support/event-stream';
import { startLocalServer } from '../test-support/local-server';
import { freePort, request, signIn } from '../test-support/node-client';
import { fastHash, sign } from '../test-support/server-fixtures';
import { rollupKb } from './proc-memory';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const USERS = Array.from({ length: 25 }, (_, i) => `user${String(i + 1).padStart(2, '0')}`);
const PASSWORD = 'bench-password';
const quiet = { info() {}, warn() {} };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.at(-1) ?? NaN, n: s.length };
};
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** Proportional memory of a process and all its children (shared pages counted once overall), in MB. */
async function treePssMb(root: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(Number(entry), ppid);
  }
  const tree = [root, ...[...parents].filter(([, ppid]) => ppid === root).map(([pid]) => pid)];
  let kb = 0;
  for (const pid of tree) kb += await rollupKb(pid, ['Pss']);
  return kb / 1024;
}

async function embeddedFigures(rows: BenchRow[]): Promise<void> {
  const dir = await reachableTempDir('softphone-bench-pg-');
  try {
    const cluster = new EmbeddedPostgres({ localDataDir: dir, log: quiet });
    let t = performance.now();
    const first = await cluster.start();
    const firstMs = performance.now() - t;
    await new Promise((r) => setTimeout(r, 1000));
    const idleMb = await treePssMb(first.pid);
    await cluster.stop();
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      await cluster.start();
      restarts.push(performance.now() - t);
      await cluster.stop();
    }
    rows.push({ name: 'embedded PostgreSQL first start', value: Math.round(firstMs), unit: 'ms', note: 'initdb, start, CREATE DATABASE' });
    rows.push({ name: 'embedded PostgreSQL restart', value: Math.round(summary(restarts).p50), unit: 'ms', note: `median of 3, each until it accepts connections` });
    rows.push({ name: 'embedded PostgreSQL memory, idle', value: Math.round(idleMb), unit: 'MB', note: 'PSS of all its processes' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const log = (line: string) => options.verbose && console.log(`  ${line}`);
  await embeddedFigures(rows);
  log('embedded figures done');

  const hash = await fastHash(PASSWORD);
  const dataDir = await reachableTempDir('softphone-bench-storage-');
  const server = await startLocalServer(await freePort(), {
    dataDir,
    settings: { SOFTPHONE_USERS: USERS.map((u) => `${u}:${hash}`).join(','), RING_GROUP: USERS.slice(0, 10).join(','), LOG_LEVEL: 'warn', SIGN_IN_RATE_LIMIT: '10000' },
  });
  const streams: EventStreamClient[] = [];
  try {
    const { authToken, accountSid } = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as { authToken: string; accountSid: string };
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 32 });
    const post = (params: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const body = new URLSearchParams(params).toString();
        const req = https.request(`${server.origin}/handle_calls/status`, {
          method: 'POST', agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(authToken, `${server.origin}/handle_calls/status`, params) },
        }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    let serial = 0;
    const callback = (from: string) => ({
      AccountSid: accountSid, CallSid: `CA${(0xb000000 + serial++).toString(16).padStart(32, '0')}`, From: from, To: LOCAL_TEAM_NUMBER,
      CallStatus: 'completed', Direction: 'inbound', SequenceNumber: '0', CallDuration: '7', Timestamp: new Date().toUTCString(),
    });

    // Callbacks written per second.
    const total = Math.max(200, Math.round((options.durationSeconds ?? 5) * 400));
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        const status = await post(callback(`+1415555${String(1000 + (next % 9000)).padStart(4, '0')}`));
        latencies.push(performance.now() - t);
        if (status !== 204) failures++;
      }
    }));
    const writes = summary(latencies);
    rows.push({ name: 'status callbacks written', value: Math.round(total / ((performance.now() - started) / 1000)), unit: '/s', note: `${total} callbacks, 16 at a time: p50 ${ms(writes.p50)}, p99 ${ms(writes.p99)}, ${failures} not 204` });
    log(`callbacks: ${rows.at(-1)!.value}/s`);

    // Fan-out to 200 streams.
    const cookies = new Map<string, string>();
    for (const u of USERS) cookies.set(u, (await signIn(server.origin, u, PASSWORD)).cookie);
    const streamAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: Infinity }) as unknown as http.Agent;
    for (let i = 0; i < 200; i++) {
      const user = USERS[i % USERS.length]!;
      streams.push(await openEventStream(`${server.origin}/api/events`, { cookie: cookies.get(user)! }, { agent: streamAgent }));
    }
    const delays: number[] = [];
    for (let round = 0; round < 20; round++) {
      const from = `+1212555${String(2000 + round).padStart(4, '0')}`;
      const sent = performance.now();
      await post(callback(from));
      const arrivals = await Promise.all(streams.map((s) => s.next((e) => e.event === 'call' && (e.data as { call: { from: string } }).call.from === from, 30_000, 'fan-out event')));
      for (const a of arrivals) delays.push(a.at - sent);
    }
    const fan = summary(delays);
    rows.push({ name: 'fan-out to 200 event streams', value: Number(fan.p99.toFixed(1)), unit: 'ms p99', note: `callback sent → event read by each stream, 20 callbacks: p50 ${ms(fan.p50)}, max ${ms(fan.max)}` });
    for (const s of streams.splice(0)) s.close();
    log(`fan-out p99 ${fan.p99.toFixed(1)} ms`);

    // GET /api/calls with 100,000 calls.
    const connection = await runningEmbedded(dataDir);
    if (!connection) throw new Error('the bench server has no embedded database running');
    const db = new pg.Client(connection);
    await db.connect();
    await db.query(`
      INSERT INTO calls (call_sid, direction, from_number, to_number, caller_user, callee_user, outcome, answered_by, started_at, answered_at, ended_at, duration_seconds)
      SELECT 'CAbench' || g,
             d.direction,
             CASE WHEN d.direction = 'inbound' THEN '+1202555' || lpad((g % 9000 + 1000)::text, 4, '0') ELSE 'client:' || u.name END,
             CASE d.direction WHEN 'inbound' THEN $1 WHEN 'outbound' THEN '+1415555' || lpad((g % 9000 + 1000)::text, 4, '0') ELSE 'client:' || v.name END,
             CASE WHEN d.direction = 'inbound' THEN NULL ELSE u.name END,
             CASE WHEN d.direction = 'internal' THEN v.name END,
             CASE WHEN d.direction = 'inbound' AND g % 3 = 0 THEN 'missed' ELSE 'answered' END,
             CASE WHEN d.direction = 'inbound' AND g % 3 <> 0 THEN v.name END,
             now() - (g * interval '5 minutes'), now() - (g * interval '5 minutes') + interval '5 seconds',
             now() - (g * interval '5 minutes') + interval '65 seconds', 60
      FROM generate_series(1, 100000) g
      CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 < 6 THEN 'inbound' WHEN g % 10 < 9 THEN 'outbound' ELSE 'internal' END AS direction) d
      CROSS JOIN LATERAL (SELECT 'user' || lpad((g % 25 + 1)::text, 2, '0') AS name) u
      CROSS JOIN LATERAL (SELECT 'user' || lpad(((g + 7) % 25 + 1)::text, 2, '0') AS name) v`, [LOCAL_TEAM_NUMBER]);
    await db.query('ANALYZE calls');
    const count = Number((await db.query('SELECT count(*) AS n FROM calls')).rows[0].n);
    await db.end();
    const listTimes: number[] = [];
    const get = async (user: string, path: string) => {
      const t = performance.now();
      const res = await request<{ nextCursor: string | null }>(`${server.origin}${path}`, { headers: { cookie: cookies.get(user)! } });
      listTimes.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.body;
    };
    for (let i = 0; i < 300; i++) {
      const user = USERS[i % USERS.length]!;
      const kind = i % 3;
      if (kind === 0) await get(user, '/api/calls');
      else if (kind === 1) await get(user, '/api/calls?filter=missed&limit=50');
      else {
        // Deep: ten pages down by cursor.
        let cursor: string | null = null;
        for (let p = 0; p < 10; p++) cursor = (await get(user, `/api/calls?limit=30${cursor ? `&before=${cursor}` : ''}`)).nextCursor;
      }
    }
    const list = summary(listTimes);
    rows.push({ name: `GET /api/calls with ${count.toLocaleString('en-US')} calls`, value: Number(list.p99.toFixed(1)), unit: 'ms p99', note: `${list.n} requests (first pages, Missed, ten pages deep), p50 ${ms(list.p50)}` });

    const pm = await readPostmaster(join(dataDir, 'postgres', 'data'));
    if (pm) rows.push({ name: 'embedded PostgreSQL memory, after the load', value: Math.round(await treePssMb(pm.pid)), unit: 'MB', note: 'PSS of all its processes' });
  } finally {
    for (const s of streams) s.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return {
    id: 'storage',
    title: 'Call history storage (embedded PostgreSQL, a server in local mode)',
    rows,
    notes: [
      'The server runs in its own process over HTTPS on loopback; the bench drives it and reads the streams from this one.',
      'Callbacks: one status callback per new call (a parent leg ending), each answered after its commit.',
      'Fan-out: delay measured on the bench\'s clock, from sending the callback to parsing the event on each stream.',
    ],
  };
}
