/**
 * Closing calls whose conference's end callback was lost: against real PostgreSQL with a conference
 * lookup standing in for Twilio (ended, still going, unknown, unreachable; repeats and a late callback),
 * then against the local stand-in's Conferences resource with every conference callback refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import { DEFAULT_PHONE_NUMBERS as PHONES } from '../../emulator/phones/defaults';
import { openTestDatabase, quietLog } from '../../test-support/database';
import { ACCOUNT, KEY, TEAM, startMessagingHarness } from '../../test-support/messaging-harness';
import { eventually } from '../../test-support/wait';
import type { Database } from '../store/database';
import { conferenceFact, statusFact, voiceFact } from './facts';
import type { CallFact } from './facts';
import { Healer, twilioCallLog } from './heal';
import type { CallLog } from './heal';
import { healConferences } from './heal-conferences';
import type { RestConference } from './heal-conferences';
import { HistoryRepository } from './repository';

let database: Database;
let closeDatabase: () => Promise<void>;
let history: HistoryRepository;
beforeAll(async () => {
  ({ database, close: closeDatabase } = await openTestDatabase());
  history = new HistoryRepository(database.db);
});
afterAll(() => closeDatabase());

const PHONE = '+14155550123';
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
const at = (s: number) => new Date(T0 + s * 1000);
let n = 0;
const sid = (prefix: string) => `${prefix}${String(++n).padStart(8, '0')}${Math.random().toString(16).slice(2, 10)}`;

/** A phone calls the team, alice answers at 5 s, the call moves into conference `cf` at 20 s; no end is stored. */
async function movedCall(cf: string): Promise<string> {
  const parent = sid('CA');
  const child = sid('CA');
  let seq = 0;
  const conf = (event: string, s: number, leg: string, party: string) =>
    conferenceFact(parent, { ConferenceSid: cf, StatusCallbackEvent: event, CallSid: leg, SequenceNumber: String(++seq), Timestamp: at(s).toUTCString() }, party, at(s))!;
  const status = (leg: string, to: string, callStatus: string, s: number) =>
    statusFact({ CallSid: leg, ...(leg === parent ? {} : { ParentCallSid: parent }), From: PHONE, To: to, CallStatus: callStatus, Timestamp: at(s).toUTCString() }, at(s))!;
  const facts: CallFact[] = [
    voiceFact({ CallSid: parent, From: PHONE, To: TEAM }, 'ring-group', null, at(0))!,
    status(parent, TEAM, 'ringing', 0),
    status(child, 'client:alice', 'ringing', 1),
    status(child, 'client:alice', 'in-progress', 5),
    conf('participant-join', 20, parent, PHONE),
    conf('participant-join', 20, child, 'client:alice'),
  ];
  for (const f of facts) await history.record([f]);
  expect((await history.get(parent))?.ended_at).toBeNull();
  return parent;
}

/** The conference-end callback Twilio would have sent. */
const endCallback = (call: string, cf: string, s: number, seq = 9) =>
  conferenceFact(call, { ConferenceSid: cf, FriendlyName: 'call-x', StatusCallbackEvent: 'conference-end', SequenceNumber: String(seq), Timestamp: at(s).toUTCString() }, '', at(s))!;

describe('healing calls whose conference ended unseen', () => {
  it('closes the call at the time Twilio last changed the conference; a second heal and the late callback change nothing', async () => {
    const cf = sid('CF');
    const call = await movedCall(cf);
    const twilioSays = new Map<string, RestConference>([[cf, { sid: cf, friendlyName: 'call-room1', status: 'completed', dateUpdated: at(95) }]]);
    const heal = () => healConferences(database.db, history, async (s) => twilioSays.get(s), at(-60), new Date());

    expect(await heal()).toEqual({ checked: 1, closed: 1 });
    const healed = await history.get(call);
    expect(healed).toMatchObject({ outcome: 'answered', answered_by: 'alice', ended_at: at(95), duration_seconds: 90 });
    // Its `call` event is what ends the call in call control's memory on every replica.
    const event = await database.db.selectFrom('events').select('payload').where('type', '=', 'call').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ call: { id: String(healed!.id), endedAt: at(95).toISOString() } });

    expect(await heal()).toEqual({ checked: 0, closed: 0 });
    // The real callback, late and with its own time and SequenceNumber, is the same end: nothing moves.
    expect((await history.record([endCallback(call, cf, 94)])).changed).toBe(false);
    expect((await history.record([endCallback(call, cf, 94, 10)])).changed).toBe(false);
    expect(await history.get(call)).toEqual(healed);
  });

  it('a callback stored first leaves nothing to heal; a conference still going or unknown leaves the call open', async () => {
    const ended = sid('CF');
    const going = sid('CF');
    const unknown = sid('CF');
    const first = await movedCall(ended);
    await history.record([endCallback(first, ended, 60)]);
    const closedByCallback = await history.get(first);
    expect(closedByCallback?.ended_at).toEqual(at(60));
    const live = await movedCall(going);
    const lost = await movedCall(unknown);
    const twilioSays = new Map<string, RestConference>([
      [ended, { sid: ended, friendlyName: 'call-a', status: 'completed', dateUpdated: at(95) }],
      [going, { sid: going, friendlyName: 'call-b', status: 'in-progress', dateUpdated: at(20) }],
    ]);
    const result = await healConferences(database.db, history, async (s) => twilioSays.get(s), at(-60), new Date());
    expect(result.closed).toBe(0);
    expect(await history.get(first)).toEqual(closedByCallback);
    expect((await history.get(live))?.ended_at).toBeNull();
    expect((await history.get(lost))?.ended_at).toBeNull();
    // Calls that started before the window are not looked up.
    expect(await healConferences(database.db, history, async (s) => twilioSays.get(s), at(60), new Date())).toEqual({ checked: 0, closed: 0 });
    // Close them so the next tests start from a clean table of open calls.
    for (const [call, cf] of [[live, going], [lost, unknown]] as const) await history.record([endCallback(call, cf, 99)]);
  });

  it('runs with the heal; Twilio unreachable leaves the call open for the next run', async () => {
    const cf = sid('CF');
    const call = await movedCall(cf);
    let reachable = false;
    const log: CallLog = {
      callsSince: async () => [],
      conference: async (s) => {
        if (!reachable) throw new Error('Twilio is down');
        return { sid: s, friendlyName: 'call-c', status: 'completed', dateUpdated: at(50) };
      },
    };
    const healer = new Healer(database.db, history, log, { teamNumber: TEAM, users: ['alice'], log: quietLog, intervalMs: 0 });
    healer.noteFailure();
    expect((await healer.heal('recovered'))?.conferences).toBeUndefined();
    expect((await history.get(call))?.ended_at).toBeNull();
    reachable = true;
    healer.noteFailure();
    expect((await healer.heal('recovered'))?.conferences).toEqual({ checked: 1, closed: 1 });
    expect((await history.get(call))?.ended_at).toEqual(at(50));
  });
});

describe("healing from the local stand-in's Conferences resource", () => {
  it('a conference ended while its callbacks were refused closes its call once, at its date_updated', async () => {
    const h = await startMessagingHarness();
    try {
      h.respond = () => ({ status: 503, body: 'down', type: 'text/plain' });
      const client = h.client(KEY.sid, KEY.secret);
      const room = `call-${sid('')}`;
      const callback = `${h.appOrigin}/conference`;
      const a = await client.conferences(room).participants.create({ from: TEAM, to: PHONES.echo, conferenceStatusCallback: callback, conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'] });
      await client.conferences(room).participants.create({ from: TEAM, to: PHONES.tone });
      const cf = a.conferenceSid;
      await eventually(async () => expect((await client.conferences(cf).fetch()).status).toBe('in-progress'), 'the conference starts');
      const call = await movedCall(cf);
      await client.conferences(cf).update({ status: 'completed' });
      await eventually(() => expect(h.hits.some((x) => x.params.StatusCallbackEvent === 'conference-end')).toBe(true), 'the refused end callback');
      const listed = await client.conferences(cf).fetch();
      expect(listed.status).toBe('completed');

      const healer = new Healer(database.db, history, twilioCallLog({ accountSid: ACCOUNT, apiKeySid: KEY.sid, apiKeySecret: KEY.secret }, emulatorRequestClient(h.origin)), {
        teamNumber: TEAM, users: ['alice'], log: quietLog, intervalMs: 0,
      });
      healer.noteFailure();
      expect((await healer.heal('recovered'))?.conferences).toEqual({ checked: 1, closed: 1 });
      const healed = await history.get(call);
      expect(healed?.ended_at).toEqual(listed.dateUpdated);
      expect(healed?.outcome).toBe('answered');

      // Twilio sends the end again and this time it is stored: the same fact, nothing changes.
      const lost = h.hits.find((x) => x.params.StatusCallbackEvent === 'conference-end')!;
      expect((await history.record([conferenceFact(call, lost.params, '', new Date())!])).changed).toBe(false);
      healer.noteFailure();
      expect((await healer.heal('recovered'))?.conferences).toEqual({ checked: 0, closed: 0 });
      expect(await history.get(call)).toEqual(healed);
    } finally {
      await h.close();
    }
  }, 30_000);
});
