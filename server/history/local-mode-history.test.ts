/**
 * The whole path in local mode, in a real server process with its embedded database: a simulated phone
 * calls the team number, nobody answers, and the missed call is in GET /api/calls and on the event streams
 * of the team, folded from the emulator's own callbacks (the dialled legs', the <Dial> action's and the
 * parent leg's, which the local TwiML App's status callback reports).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TEAM_NUMBER } from '../../local-setup/demo';
import { reachableTempDir } from '../../test-support/database';
import { openEventStream } from '../../test-support/event-stream';
import { DEMO_PASSWORD, startLocalServer } from '../../test-support/local-server';
import type { LocalServer } from '../../test-support/local-server';
import { freePort, phoneCalls, phoneView, signIn } from '../../test-support/node-client';
import { eventually } from '../../test-support/wait';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer(await freePort(), { dataDir: await reachableTempDir('softphone-history-'), settings: { LOG_LEVEL: 'warn' } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  const { rm } = await import('node:fs/promises');
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

describe('local mode: history from the stand-in for Twilio', () => {
  it('a phone calls the team number, nobody answers: a missed call in the list and on the stream, unseen', async () => {
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const bob = await signIn(server.origin, 'bob', DEMO_PASSWORD);
    const streams = await Promise.all([alice, bob].map((u) => openEventStream(`${server.origin}/api/events`, { cookie: u.cookie })));
    const caller = '+12025550105';
    await eventually(async () => (await phoneView(server.origin, caller)).state === 'idle', 'the phone is idle');
    await phoneCalls(server.origin, caller, LOCAL_TEAM_NUMBER);

    for (const stream of streams) {
      const event = await stream.next(
        (e) => e.event === 'call' && (e.data as { call: { from: string; outcome: string | null } }).call.from === caller && (e.data as { call: { outcome: string | null } }).call.outcome === 'missed',
        30_000,
        'the missed call',
      );
      expect((event.data as { call: unknown }).call).toMatchObject({ direction: 'inbound', to: LOCAL_TEAM_NUMBER, answeredBy: null, seen: false });
    }
    const list = await alice.json<{ items: { from: string; outcome: string; endedAt: string | null }[] }>('GET', '/api/calls');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ from: caller, outcome: 'missed' });
    expect(list.body.items[0]!.endedAt).not.toBeNull();
    expect((await bob.json<{ missedCalls: number }>('GET', '/api/unseen')).body.missedCalls).toBe(1);
    // The parent leg's own end came in too (the TwiML App's status callback): the caller heard the message first.
    await eventually(async () => (await phoneView(server.origin, caller)).state === 'idle', 'the call is over');
    expect((await phoneView(server.origin, caller)).heard.says.join(' ')).toMatch(/no one is available/);
    for (const s of streams) s.close();
  });

  it('says at /healthz that the embedded database is fine', async () => {
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const health = await alice.json<{ ok: boolean; database: { status: string; kind: string } }>('GET', '/healthz');
    expect(health.body).toMatchObject({ ok: true, database: { status: 'ok', kind: 'embedded' } });
  });
});
