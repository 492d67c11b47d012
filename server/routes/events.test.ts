/**
 * GET /api/events over a real socket: a callback reaches the streams of the users it is for (and no one
 * else), a reconnect with Last-Event-ID replays what was missed, a gap that cannot be replayed gets
 * `reset`, a fresh stream starts with the current id, closed streams are let go, and one user cannot hold
 * unlimited streams. Also the history routes and availability through HTTP, as the browser uses them.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { callSid, scenarioRequests, signedWebhook } from '../../test-support/call-scenarios';
import type { Scenario } from '../../test-support/call-scenarios';
import { testStore } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { openEventStream } from '../../test-support/event-stream';
import type { EventStreamClient } from '../../test-support/event-stream';
import { PASSWORDS, twilioConfig } from '../../test-support/server-fixtures';
import { eventually } from '../../test-support/wait';
import type { Store } from '../store/store';
import { MAX_STREAMS_PER_USER } from './events';

let app: FastifyInstance;
let store: Store & { database: TestDatabase };
let base: string;
const cookies: Record<string, string> = {};
const open: EventStreamClient[] = [];

beforeAll(async () => {
  const config = await twilioConfig();
  store = await testStore(config);
  ({ app } = await testApp(config, { store }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  for (const user of ['alice', 'bob', 'carol']) cookies[user] = await signedInCookie(app, user, PASSWORDS[user]!);
});
afterAll(async () => {
  for (const s of open) s.close();
  await app.close();
  await store.close();
});

async function stream(user: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const s = await openEventStream(`${base}/api/events`, { cookie: cookies[user]!, ...headers });
  open.push(s);
  return s;
}

async function play(s: Scenario): Promise<void> {
  for (const r of scenarioRequests(s)) {
    const res = await app.inject(signedWebhook(r));
    expect(res.statusCode, `${r.path} ${r.params.CallStatus ?? ''}`).toBeLessThan(300);
  }
}

const now = () => new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
const inbound = (over: Partial<Scenario> = {}): Scenario => ({
  kind: 'inbound', sid: callSid(), caller: '+14155550123', callee: '', ring: ['alice', 'bob', 'carol'], result: 'no-answer',
  answerAfter: 3, talkSeconds: 20, ringSeconds: 10, start: now(), ...over,
});
const callOf = (e: { data: unknown }) => (e.data as { call?: { from: string; outcome: string | null; seen: boolean } }).call;

describe('GET /api/events', () => {
  it('a missed call reaches every member live, with its outcome and unseen count', async () => {
    const [a, b] = [await stream('alice'), await stream('bob')];
    const s = inbound({ caller: '+14155550111' });
    await play(s);
    for (const client of [a, b]) {
      const missed = await client.next((e) => e.event === 'call' && callOf(e)?.from === '+14155550111' && callOf(e)?.outcome === 'missed', 10_000, 'missed call');
      expect(callOf(missed)).toMatchObject({ direction: 'inbound', outcome: 'missed', seen: false });
      await client.next((e) => e.event === 'unseen' && (e.data as { unseen: { missedCalls: number } }).unseen.missedCalls >= 1, 10_000, 'unseen');
    }
    // The list says the same.
    const list = await app.inject({ method: 'GET', url: '/api/calls?filter=missed', headers: { cookie: cookies.bob! } });
    expect(list.json().items.map((c: { from: string }) => c.from)).toContain('+14155550111');
  });

  it("a user's outbound call reaches their own streams only", async () => {
    const [alice, bob] = [await stream('alice'), await stream('bob')];
    await play({ ...inbound(), kind: 'outbound', caller: 'alice', callee: '+12125550142', result: 'answered' });
    await alice.next((e) => e.event === 'call' && (e.data as { call: { to: string } }).call.to === '+12125550142', 10_000, "alice's outbound call");
    const marker = inbound({ caller: '+14155550999' });
    await play(marker);
    await bob.next((e) => e.event === 'call' && callOf(e)?.from === '+14155550999', 10_000, 'the next inbound call');
    expect(bob.events.some((e) => e.event === 'call' && (e.data as { call: { to: string } }).call.to === '+12125550142')).toBe(false);
  });

  it('starts with the current id; a reconnect with Last-Event-ID gets exactly what it missed', async () => {
    const first = await stream('carol');
    await eventually(() => first.lastEventId() !== undefined, 'the initial id');
    const resumeFrom = first.lastEventId()!;
    first.close();
    const missed = inbound({ caller: '+14155550222' });
    await play(missed);
    const again = await stream('carol', { 'last-event-id': resumeFrom });
    const replayed = await again.next((e) => e.event === 'call' && callOf(e)?.from === '+14155550222' && callOf(e)?.outcome === 'missed', 10_000, 'replayed call');
    expect(Number(replayed.id)).toBeGreaterThan(Number(resumeFrom));
    const ids = again.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(again.events.some((e) => e.event === 'reset')).toBe(false);
  });

  it('sends reset when the gap cannot be replayed: an id from another database, a purged one, or garbage', async () => {
    for (const lastEventId of ['999999999', 'abc']) {
      const s = await stream('alice', { 'last-event-id': lastEventId });
      const reset = await s.next((e) => e.event === 'reset', 5000, 'reset');
      expect(reset.data).toEqual({ type: 'reset' });
      s.close();
    }
    // Retention deleted the events up to some id: a client that stopped before it cannot be caught up.
    await play(inbound());
    await store.events.pump();
    const purgedUpTo = store.events.lastId - 2;
    const admin = new pg.Client({ connectionString: store.database.url });
    await admin.connect();
    await admin.query(`INSERT INTO maintenance (job, position) VALUES ('event-retention', $1)`, [purgedUpTo]);
    await admin.end();
    const behind = await stream('alice', { 'last-event-id': String(purgedUpTo - 1) });
    await behind.next((e) => e.event === 'reset', 5000, 'reset after retention');
    // Right after the purged ids nothing is missing: the replay brings the client up to the newest id, no reset.
    const caughtUp = await stream('alice', { 'last-event-id': String(purgedUpTo) });
    await eventually(() => caughtUp.lastEventId() === String(store.events.lastId), 'caught up to the newest id');
    expect(caughtUp.events.some((e) => e.event === 'reset')).toBe(false);
  });

  it('lets go of closed streams, and refuses more than the limit per user', async () => {
    for (const s of open.splice(0)) s.close();
    await eventually(() => store.events.streams === 0, 'streams released');
    const many = await Promise.all(Array.from({ length: MAX_STREAMS_PER_USER }, () => stream('bob')));
    const refused = await app.inject({ method: 'GET', url: '/api/events', headers: { cookie: cookies.bob! } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('too_many_streams');
    for (const s of many) s.close();
    await eventually(() => store.events.streams === 0, 'streams released');
  });

  it('refuses a stream without a session', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/events' });
    expect(res.statusCode).toBe(401);
  });
});

describe('history and availability over HTTP', () => {
  it('marks missed calls seen on every device of the user, and the count follows', async () => {
    const phone = await stream('alice');
    const res = await app.inject({ method: 'POST', url: '/api/calls/seen', headers: { ...JSON_HEADERS, cookie: cookies.alice! }, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ missedCalls: 0 });
    await phone.next((e) => e.event === 'unseen' && (e.data as { unseen: { missedCalls: number } }).unseen.missedCalls === 0, 5000, 'unseen 0');
    const unseen = await app.inject({ method: 'GET', url: '/api/unseen', headers: { cookie: cookies.alice! } });
    expect(unseen.json().missedCalls).toBe(0);
    const list = await app.inject({ method: 'GET', url: '/api/calls?filter=missed', headers: { cookie: cookies.alice! } });
    expect(list.json().items.every((c: { seen: boolean }) => c.seen)).toBe(true);
    const bobs = await app.inject({ method: 'GET', url: '/api/calls?filter=missed', headers: { cookie: cookies.bob! } });
    expect(bobs.json().items.some((c: { seen: boolean }) => !c.seen)).toBe(true);
  });

  it('refuses a forged cursor and a bad limit with 400', async () => {
    for (const url of ['/api/calls?before=zzz', '/api/calls?limit=0', '/api/calls?limit=1000', '/api/calls?filter=nope']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: cookies.alice! } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('bad_request');
    }
  });

  it('Do not disturb takes a member out of the ring group at once, and everyone hears of it', async () => {
    const watcher = await stream('carol');
    const res = await app.inject({ method: 'PUT', url: '/api/presence/me', headers: { ...JSON_HEADERS, cookie: cookies.bob! }, payload: { availability: 'dnd' } });
    expect(res.json()).toEqual({ user: 'bob', availability: 'dnd', onCall: false });
    await watcher.next((e) => e.event === 'presence' && (e.data as { presence: { user: string; availability: string } }).presence.availability === 'dnd', 5000, 'presence');
    const team = await app.inject({ method: 'GET', url: '/api/presence', headers: { cookie: cookies.carol! } });
    expect(team.json().items).toContainEqual({ user: 'bob', availability: 'dnd', onCall: false });
    const twiml = await app.inject(signedWebhook(scenarioRequests(inbound())[0]!));
    expect(twiml.body).toContain('>alice</Client>');
    expect(twiml.body).not.toContain('>bob</Client>');
    await app.inject({ method: 'PUT', url: '/api/presence/me', headers: { ...JSON_HEADERS, cookie: cookies.bob! }, payload: { availability: 'available' } });
  });
});
