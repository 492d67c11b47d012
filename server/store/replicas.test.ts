/**
 * Two replicas of the server, sharing one PostgreSQL behind one address (a TCP proxy), with the stand-in
 * for Twilio running on its own: they behave as one. Started together, they migrate once; a callback
 * handled by A reaches an event stream on B; availability set on A routes a call decided on B; a real call
 * through the shared address shows up on both.
 */
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TEAM_NUMBER } from '../../local-setup/demo';
import { reachableTempDir, startTestCluster } from '../../test-support/database';
import type { TestCluster } from '../../test-support/database';
import { openEventStream } from '../../test-support/event-stream';
import type { EventStreamClient } from '../../test-support/event-stream';
import { DEMO_PASSWORD, startProcess, waitUntilAnswering } from '../../test-support/local-server';
import type { ServerProcess } from '../../test-support/local-server';
import { freePort, phoneCalls, phoneView, postSigned, request, signIn } from '../../test-support/node-client';
import { startTcpProxy } from '../../test-support/tcp-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { eventually } from '../../test-support/wait';
import { MIGRATIONS } from './migrations/index';

let cluster: TestCluster;
let dataDir: string;
let emulatorProcess: ServerProcess;
let proxy: TcpProxy;
const replicas: { name: string; origin: string; proc: ServerProcess }[] = [];
let shared: string;
let emulatorOrigin: string;
const streams: EventStreamClient[] = [];

beforeAll(async () => {
  cluster = await startTestCluster();
  dataDir = await reachableTempDir('softphone-replicas-');
  const [emulatorPort, proxyPort, portA, portB] = [await freePort(), await freePort(), await freePort(), await freePort()];
  shared = `https://localhost:${proxyPort}`;
  emulatorOrigin = `https://localhost:${emulatorPort}`;
  emulatorProcess = startProcess('emulator/main.ts', { EMULATOR_PORT: String(emulatorPort), EMULATOR_VOICE_URL: `${shared}/handle_calls`, LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  await waitUntilAnswering(`${emulatorOrigin}/emulator/api/clients`, emulatorProcess);
  proxy = await startTcpProxy(proxyPort, [portA!, portB!]);
  // Both at once, as an orchestrator starts replicas.
  for (const [name, port] of [['A', portA], ['B', portB]] as const) {
    const proc = startProcess('server/main.ts', {
      PORT: String(port), LOCAL_DATA_DIR: dataDir, DEMO_PASSWORD, LOG_LEVEL: 'info', DATABASE_URL: cluster.url,
      EMULATOR_ORIGIN: emulatorOrigin, PUBLIC_BASE_URL: shared,
    });
    replicas.push({ name, origin: `https://localhost:${port}`, proc });
  }
  await Promise.all(replicas.map((r) => waitUntilAnswering(`${r.origin}/healthz`, r.proc)));
}, 180_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await Promise.all(replicas.map((r) => r.proc.stop()));
  await emulatorProcess?.stop();
  await proxy?.close();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const [A, B] = [() => replicas[0]!, () => replicas[1]!];
const auth = async () => JSON.parse(await (await import('node:fs/promises')).readFile(`${dataDir}/credentials.json`, 'utf8')) as { authToken: string; accountSid: string };

describe('two replicas behind one address', () => {
  it('ran the migrations once between them', async () => {
    const migrated = replicas.filter((r) => /database migrated to/.test(r.proc.output()));
    const upToDate = replicas.filter((r) => /database schema up to date/.test(r.proc.output()));
    expect(migrated.map((r) => r.name)).toHaveLength(1);
    expect(upToDate).toHaveLength(1);
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const rows = await client.query('SELECT name FROM kysely_migration ORDER BY name');
    await client.end();
    expect(rows.rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
  });

  it('a callback handled by A reaches an event stream on B', async () => {
    const alice = await signIn(shared, 'alice', DEMO_PASSWORD);
    const onB = await openEventStream(`${B().origin}/api/events`, { cookie: alice.cookie });
    streams.push(onB);
    await eventually(() => onB.lastEventId() !== undefined, 'B stream open');
    const { authToken, accountSid } = await auth();
    const from = '+14155550177';
    const res = await postSigned(A().origin, shared, authToken, '/handle_calls/status', {
      AccountSid: accountSid, CallSid: `CA${'7'.repeat(32)}`, From: from, To: LOCAL_TEAM_NUMBER, CallStatus: 'completed',
      Direction: 'inbound', SequenceNumber: '0', CallDuration: '4', Timestamp: new Date().toUTCString(),
    });
    expect(res.status).toBe(204);
    const event = await onB.next((e) => e.event === 'call' && (e.data as { call: { from: string } }).call.from === from, 10_000, 'the call on B');
    expect((event.data as { call: unknown }).call).toMatchObject({ direction: 'inbound', outcome: 'missed' });
  });

  it('availability set on A routes a call decided on B', async () => {
    const bob = await signIn(shared, 'bob', DEMO_PASSWORD);
    const set = await request(`${A().origin}/api/presence/me`, {
      method: 'PUT', headers: { 'content-type': 'application/json', origin: shared, 'sec-fetch-site': 'same-origin', cookie: bob.cookie }, body: JSON.stringify({ availability: 'dnd' }),
    });
    expect(set.status).toBe(200);
    await eventually(async () => {
      const team = await request<{ items: { user: string; availability: string }[] }>(`${B().origin}/api/presence`, { headers: { cookie: bob.cookie } });
      return team.body.items.find((p) => p.user === 'bob')?.availability === 'dnd';
    }, 'B knows bob is on Do not disturb', 10_000);
    const { authToken, accountSid } = await auth();
    const twiml = await postSigned(B().origin, shared, authToken, '/handle_calls', {
      AccountSid: accountSid, CallSid: `CA${'8'.repeat(32)}`, From: '+14155550188', To: LOCAL_TEAM_NUMBER, CallStatus: 'ringing', Direction: 'inbound',
    });
    expect(twiml.body).toContain('>alice</Client>');
    expect(twiml.body).toContain('>carol</Client>');
    expect(twiml.body).not.toContain('>bob</Client>');
  });

  it('a real call through the shared address: its callbacks, on either replica, show on both', async () => {
    const carol = await signIn(shared, 'carol', DEMO_PASSWORD);
    const [onA, onB] = await Promise.all([A(), B()].map((r) => openEventStream(`${r.origin}/api/events`, { cookie: carol.cookie })));
    streams.push(onA!, onB!);
    const caller = '+12025550105';
    await eventually(async () => (await phoneView(emulatorOrigin, caller)).state === 'idle', 'the phone is idle');
    await phoneCalls(emulatorOrigin, caller, LOCAL_TEAM_NUMBER);
    for (const stream of [onA!, onB!]) {
      await stream.next(
        (e) => e.event === 'call' && (e.data as { call: { from: string; outcome: string | null } }).call.from === caller && (e.data as { call: { outcome: string | null } }).call.outcome === 'missed',
        30_000,
        'the missed call',
      );
    }
    expect(proxy.handed.every((n) => n > 0), `connections per replica: ${proxy.handed.join(', ')}`).toBe(true);
  });
});
