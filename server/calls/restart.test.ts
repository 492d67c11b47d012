/**
 * A call moved into a conference outlives the process that moved it: on one database, a server that
 * restarted after the first hold, and others that never saw the call, read its state (room, parties,
 * CallSids) back from the store, act on the same conference with the Participants API, show it to a
 * colleague added to it, keep its conference callbacks in the history, and end it. Each server has its own recording stand-in for
 * Twilio's conference API, so the test sees which one acted.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveCall } from '../../contracts/api/call-control';
import type { CallRecord } from '../../contracts/api/history';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { quietLog, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import type { AppConfig } from '../config';
import { openStore } from '../store/store';
import type { Store } from '../store/store';
import { eventually } from '../../test-support/wait';
import type { ConferenceApi } from './twilio-conferences';

const CALLER = '+14155550123';
const PARENT = `CA${'1'.repeat(32)}`;
const CHILD = `CA${'2'.repeat(32)}`;
const BOB_LEG = `CA${'3'.repeat(32)}`;
const CAROL_LEG = `CA${'4'.repeat(32)}`;
const CONFERENCE = `CF${'9'.repeat(32)}`;

let config: AppConfig;
let tdb: TestDatabase;
const servers: { app: FastifyInstance; store: Store }[] = [];
const calls: string[] = [];

/** One server (a replica, or the same one after a restart) on the shared database. */
async function server(name: string) {
  const store = await openStore(
    { users: config.users, historyRetentionDays: config.historyRetentionDays, localDataDir: config.localDataDir, teamNumber: config.account.teamNumber },
    { log: quietLog, jobs: false, connection: tdb.connection },
  );
  let app: FastifyInstance;
  const api: ConferenceApi = {
    async redirect(callSid) {
      calls.push(`${name} redirect ${callSid}`);
      // As Twilio does: the caller's <Dial> ends and its action is asked what next.
      afterDial = (await webhook(app, '/handle_calls/after-dial?leg=inbound', { CallSid: PARENT, From: CALLER, To: TEAM_NUMBER, DialCallStatus: 'completed', DialCallSid: CHILD })).body;
    },
    seated: async () => CONFERENCE,
    async hold(conference, callSid, hold) {
      calls.push(`${name} ${hold ? 'hold' : 'unhold'} ${callSid} in ${conference}`);
    },
    async dialIn(room, dial) {
      calls.push(`${name} dial ${dial.to.split('?')[0]} into ${room}`);
      return dial.to.startsWith('client:carol') ? CAROL_LEG : BOB_LEG;
    },
    async remove(_conference, callSid) {
      calls.push(`${name} remove ${callSid}`);
    },
    async end(conference) {
      calls.push(`${name} end ${conference}`);
    },
  };
  ({ app } = await testApp(config, { webRoot: '/nonexistent', conferences: api, store }));
  await app.ready();
  const cookie = (user: string) => signedInCookie(app, user, PASSWORDS[user]!);
  const entry = { app, store, alice: await cookie('alice'), bob: await cookie('bob'), carol: await cookie('carol') };
  servers.push(entry);
  return entry;
}

let afterDial = '';
function webhook(app: FastifyInstance, url: string, params: Record<string, string>) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, params) }, payload: form(params) });
}
const post = (app: FastifyInstance, cookie: string, url: string, payload?: object) =>
  app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, cookie }, ...(payload ? { payload } : {}) });
const liveOf = async (app: FastifyInstance, cookie: string) => (await app.inject({ method: 'GET', url: '/api/calls/live', headers: { cookie } })).json().items as LiveCall[];
async function stop(entry: { app: FastifyInstance; store: Store }) {
  servers.splice(servers.indexOf(entry), 1);
  await entry.app.close();
  await entry.store.close();
}

beforeAll(async () => {
  config = await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' });
  tdb = await testDatabase();
});
afterAll(async () => {
  for (const s of [...servers]) await stop(s);
  await tdb.drop();
});

describe('a moved call after a restart', () => {
  it('is held, resumed, transferred and ended by servers that did not move it, in the same room', async () => {
    const first = await server('A');
    await webhook(first.app, '/handle_calls', { CallSid: PARENT, From: CALLER, To: TEAM_NUMBER, CallStatus: 'ringing', Direction: 'inbound' });
    await webhook(first.app, '/handle_calls/status', { CallSid: CHILD, ParentCallSid: PARENT, From: CALLER, To: 'client:alice', CallStatus: 'in-progress', SequenceNumber: '2' });
    const [call] = await liveOf(first.app, first.alice);
    const id = call!.id;
    expect((await post(first.app, first.alice, `/api/calls/${id}/hold`)).statusCode).toBe(200);
    const room = /call-[0-9a-f]{24}/.exec(afterDial)![0];
    expect(calls.splice(0)).toEqual([`A redirect ${CHILD}`, `A hold ${PARENT} in ${CONFERENCE}`]);
    const conference = { FriendlyName: room, ConferenceSid: CONFERENCE };
    await webhook(first.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-join', CallSid: PARENT, SequenceNumber: '1' });
    await webhook(first.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-join', CallSid: CHILD, SequenceNumber: '2' });
    await stop(first);

    // The process restarts: nothing in memory, the call is still in its conference, the caller on hold.
    const again = await server('B');
    expect(await liveOf(again.app, again.alice)).toMatchObject([{ id, conference: true, legs: [CHILD], parties: [{ state: 'held' }, { state: 'connected' }] }]);
    expect((await post(again.app, again.alice, `/api/calls/${id}/resume`)).statusCode).toBe(200);
    expect(calls.splice(0)).toEqual([`B unhold ${PARENT} in ${CONFERENCE}`]);
    expect((await post(again.app, again.bob, `/api/calls/${id}/hold`)).statusCode).toBe(404);
    const transfer = await post(again.app, again.alice, `/api/calls/${id}/transfer`, { to: 'bob', mode: 'blind' });
    expect(transfer.statusCode).toBe(200);
    expect(calls.splice(0)).toEqual([`B hold ${PARENT} in ${CONFERENCE}`, `B dial client:bob into ${room}`, `B remove ${CHILD}`]);
    // alice handed the call on: she is no longer in it, and may not act on it.
    const gone = await post(again.app, again.alice, `/api/calls/${id}/resume`);
    expect([gone.statusCode, gone.json()]).toEqual([404, { code: 'not_found', error: 'No live call with this id that you are in.' }]);

    // A replica that started after all this gets the conference's callbacks: it keeps them and acts on them.
    const other = await server('C');
    for (const [event, leg, seq] of [['participant-leave', CHILD, '3'], ['participant-join', BOB_LEG, '4']] as const) {
      expect((await webhook(other.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: event, CallSid: leg, SequenceNumber: seq })).statusCode).toBe(204);
    }
    expect(calls.splice(0)).toEqual([`C unhold ${PARENT} in ${CONFERENCE}`]);
    // The restarted server hears of it through the events, as every replica does.
    await eventually(async () => expect(await liveOf(again.app, again.bob)).toMatchObject([{ id, legs: [BOB_LEG], parties: [{ state: 'connected' }, { state: 'left' }, { state: 'connected' }] }]), 'the transfer taken, on B');

    // bob adds carol; after one more restart carol finds the call too, though the row names only bob.
    expect((await post(other.app, other.bob, `/api/calls/${id}/add`, { to: 'carol' })).statusCode).toBe(200);
    await webhook(other.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-join', CallSid: CAROL_LEG, SequenceNumber: '5' });
    expect(calls.splice(0)).toEqual([`C dial client:carol into ${room}`]);
    const last = await server('D');
    expect(await liveOf(last.app, last.carol)).toMatchObject([{ id, legs: [CAROL_LEG], parties: [{ state: 'connected' }, { state: 'left' }, { state: 'connected' }, { state: 'connected' }] }]);
    await webhook(last.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-leave', CallSid: CAROL_LEG, SequenceNumber: '6' });
    await eventually(async () => expect(await liveOf(other.app, other.carol)).toEqual([]), 'carol gone, on C');

    await webhook(other.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-leave', CallSid: PARENT, SequenceNumber: '7' });
    expect(calls.splice(0)).toEqual([`C end ${CONFERENCE}`]);
    await webhook(other.app, '/handle_calls/conference', { ...conference, StatusCallbackEvent: 'conference-end', SequenceNumber: '8', Timestamp: new Date().toUTCString() });

    const record = ((await other.app.inject({ method: 'GET', url: '/api/calls', headers: { cookie: other.bob } })).json().items as CallRecord[]).find((c) => c.id === id);
    expect(record).toMatchObject({ outcome: 'answered', answeredBy: 'bob', transferredTo: 'client:bob', transferredBy: 'alice', parties: [CALLER, 'client:alice', 'client:bob', 'client:carol'], endedAt: expect.any(String) });
    expect(await liveOf(other.app, other.bob)).toEqual([]);
  });
});
