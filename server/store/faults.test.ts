/**
 * Faults, with real server processes and real PostgreSQL:
 * - the database stops in the middle: calls still reach the app and hear its answer, status callbacks get a
 *   5xx (and are not lost), the history says it is unavailable, and once the database is back the history
 *   heals itself from the call log and the open event streams get the missed call;
 * - the server is killed with SIGKILL during a burst of status callbacks: after a restart (which stops the
 *   PostgreSQL the dead server left behind), every callback that was acknowledged is in the history.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallDetail } from '../../contracts/emulator/calls';
import { LOCAL_TEAM_NUMBER } from '../../local-setup/demo';
import { reachableTempDir, startTestCluster, stopLeftOverPostgres } from '../../test-support/database';
import { openEventStream } from '../../test-support/event-stream';
import { DEMO_PASSWORD, startLocalServer } from '../../test-support/local-server';
import type { LocalServer } from '../../test-support/local-server';
import { emulator, freePort, phoneCalls, phoneView, postSigned, request, signIn } from '../../test-support/node-client';
import { eventually } from '../../test-support/wait';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

type Health = { ok: boolean; database: { status: string } };

describe('the database stops while calls come in', () => {
  it('calls still get their answer, callbacks get 5xx, and the history heals from the call log once it is back', { timeout: 240_000 }, async () => {
    const cluster = await startTestCluster({ durable: true });
    cleanup.push(() => cluster.stop());
    const dataDir = await reachableTempDir('softphone-faults-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startLocalServer(await freePort(), { dataDir, settings: { DATABASE_URL: cluster.url, LOG_LEVEL: 'info' } });
    cleanup.push(() => server.close());
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const stream = await openEventStream(`${server.origin}/api/events`, { cookie: alice.cookie });
    cleanup.push(async () => stream.close());

    await cluster.cluster.stop();
    await eventually(async () => (await request<Health>(`${server.origin}/healthz`)).body.database.status === 'degraded', 'healthz says degraded', 30_000);
    const health = await request<Health>(`${server.origin}/healthz`);
    expect(health.status, 'a load balancer keeps the replica: calls still work').toBe(200);

    // A phone calls the team number: the app still answers (nobody is signed in, so it hears the message).
    const caller = '+12025550105';
    await eventually(async () => (await phoneView(server.origin, caller)).state === 'idle', 'the phone is idle');
    const sid = await phoneCalls(server.origin, caller, LOCAL_TEAM_NUMBER);
    await eventually(async () => (await phoneView(server.origin, caller)).state === 'idle', 'the call ended', 60_000);
    expect((await phoneView(server.origin, caller)).heard.says.join(' ')).toMatch(/no one is available/);
    // Its callbacks were refused with 5xx, as Twilio would be told: not stored.
    const detail = await emulator<CallDetail>(server.origin, 'GET', `/calls/${sid}`);
    expect(detail.events.map((e) => e.text).join('\n')).toMatch(/status callback failed: 11200 .*returned 503/);
    const during = await alice.json('GET', '/api/calls');
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ code: 'store_unavailable' });

    // The database comes back: the history heals from the call log, and the open stream hears of it.
    await cluster.cluster.start();
    const missed = await stream.next(
      (e) => e.event === 'call' && (e.data as { call: { from: string; outcome: string | null } }).call.from === caller && (e.data as { call: { outcome: string | null } }).call.outcome === 'missed',
      60_000,
      'the healed missed call',
    );
    expect((missed.data as { call: unknown }).call).toMatchObject({ direction: 'inbound', to: LOCAL_TEAM_NUMBER });
    const after = await alice.json<{ items: { from: string; outcome: string }[] }>('GET', '/api/calls');
    expect(after.status).toBe(200);
    expect(after.body.items).toContainEqual(expect.objectContaining({ from: caller, outcome: 'missed' }));
    expect((await request<Health>(`${server.origin}/healthz`)).body.database.status).toBe('ok');
    // The server logs the heal once it is done, after publishing the events, through a pipe: it may come just after.
    await eventually(() => /history healed from the call log/.test(server.output()), 'the heal is logged', 15_000);
  });
});

describe('the server is killed during a burst of callbacks', () => {
  it('every acknowledged callback is in the history after the restart', { timeout: 240_000 }, async () => {
    const dataDir = await reachableTempDir('softphone-kill-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    cleanup.push(() => stopLeftOverPostgres(dataDir));
    const port = await freePort();
    let server: LocalServer = await startLocalServer(port, { dataDir, settings: { LOG_LEVEL: 'warn' } });
    cleanup.push(() => server.close());
    const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as { authToken: string; accountSid: string };

    // Each callback is the end of a call from its own number: acknowledged means a missed call from it.
    const TOTAL = 400;
    const numberOf = (i: number) => `+1202555${String(1000 + i).padStart(4, '0')}`;
    const acked = new Set<string>();
    let sent = 0;
    let killed = false;
    const send = async (i: number) => {
      const params = {
        AccountSid: credentials.accountSid, CallSid: `CA${(0xbeef0000 + i).toString(16).padStart(32, '0')}`, From: numberOf(i), To: LOCAL_TEAM_NUMBER,
        CallStatus: 'completed', Direction: 'inbound', SequenceNumber: '0', CallDuration: '3', Timestamp: new Date().toUTCString(),
      };
      try {
        const res = await postSigned(server.origin, server.origin, credentials.authToken, '/handle_calls/status', params);
        if (res.status === 204) acked.add(params.From);
      } catch {
        // The connection died with the server: not acknowledged.
      }
    };
    const workers = Array.from({ length: 16 }, async () => {
      while (sent < TOTAL && !killed) {
        const i = sent++;
        await send(i);
        if (acked.size >= TOTAL / 3 && !killed) {
          killed = true;
          await server.kill('SIGKILL');
        }
      }
    });
    await Promise.all(workers);
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThan(0);

    server = await startLocalServer(port, { dataDir, settings: { LOG_LEVEL: 'warn' } });
    expect(server.output()).toMatch(/left running by a server that did not shut down/);
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const stored = new Set<string>();
    let before: string | null = null;
    do {
      const page: { body: { items: { from: string }[]; nextCursor: string | null } } = await alice.json('GET', `/api/calls?limit=100${before ? `&before=${before}` : ''}`);
      for (const c of page.body.items) stored.add(c.from);
      before = page.body.nextCursor;
    } while (before);
    const lost = [...acked].filter((n) => !stored.has(n));
    expect(lost).toEqual([]);
    console.log(`faults: SIGKILL after ${acked.size} of ${sent} callbacks were acknowledged; all ${acked.size} in the history after restart (${stored.size} stored)`);
  });
});
