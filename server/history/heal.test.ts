/**
 * Healing from the call log (a CallLog with Twilio's records of each leg): missing records appear and
 * complete ones do not change; calls that are not the app's are left alone; replicas take turns on the
 * periodic run, while a replica that saw failures heals them at once; an unreachable log changes nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSid, expectedRecord, scenarioRequests } from '../../test-support/call-scenarios';
import type { Scenario } from '../../test-support/call-scenarios';
import { openTestDatabase, quietLog } from '../../test-support/database';
import { TEAM_NUMBER } from '../../test-support/server-fixtures';
import type { Database } from '../store/database';
import { statusFact } from './facts';
import type { RestCall } from './facts';
import { Healer } from './heal';
import type { CallLog } from './heal';
import { HistoryRepository } from './repository';

let database: Database;
let closeDatabase: () => Promise<void>;
let history: HistoryRepository;
beforeAll(async () => {
  ({ database, close: closeDatabase } = await openTestDatabase());
  history = new HistoryRepository(database.db);
});
afterAll(() => closeDatabase());

/** The call log's view of a scenario: one record per leg, as the REST Calls list shows it. */
function logOf(s: Scenario): RestCall[] {
  const legs = new Map<string, RestCall>();
  for (const r of scenarioRequests(s)) {
    if (r.path !== '/handle_calls/status') continue;
    const p = r.params;
    const leg = legs.get(p.CallSid!) ?? { sid: p.CallSid!, parentCallSid: p.ParentCallSid ?? null, from: p.From!, to: p.To!, status: '', startTime: r.at, endTime: null, duration: null };
    leg.status = p.CallStatus!;
    if (['completed', 'busy', 'no-answer', 'canceled', 'failed'].includes(p.CallStatus!)) {
      leg.endTime = r.at;
      leg.duration = p.CallDuration ?? null;
    }
    legs.set(p.CallSid!, leg);
  }
  return [...legs.values()];
}

const recent = () => new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
const missed = (over: Partial<Scenario> = {}): Scenario => ({
  kind: 'inbound', sid: callSid(), caller: '+14155550123', callee: '', ring: ['alice', 'bob'], result: 'no-answer',
  answerAfter: 2, talkSeconds: 10, ringSeconds: 20, start: recent(), ...over,
});

describe('healing from the call log', () => {
  it("fills in calls the callbacks never wrote, leaves complete ones alone, and ignores calls that are not the app's", async () => {
    const lost = missed();
    const known = missed({ result: 'answered', answeredBy: 'bob' });
    const foreign: RestCall = { sid: callSid(), parentCallSid: null, from: '+14155550000', to: '+14155550001', status: 'completed', startTime: recent(), endTime: recent(), duration: '5' };
    for (const f of scenarioRequests(known)) if (f.path === '/handle_calls/status') await history.record([statusFact(f.params, f.at)!]);
    const before = await history.get(known.sid);
    const calls: RestCall[] = [...logOf(lost), ...logOf(known), foreign];
    let asked: Date | undefined;
    const log: CallLog = { callsSince: async (since) => ((asked = since), calls) };
    const healer = new Healer(database.db, history, log, { teamNumber: TEAM_NUMBER, users: ['alice', 'bob', 'carol'], log: quietLog, intervalMs: 0 });
    healer.noteFailure(new Date(Date.now() - 600_000));
    const result = await healer.heal('recovered');
    expect(result).toMatchObject({ listed: calls.length, calls: 2 });
    expect(asked!.getTime()).toBeLessThan(Date.now() - 600_000);
    const expected = expectedRecord(lost);
    expect(await history.get(lost.sid)).toMatchObject({ direction: expected.direction, from_number: expected.from, to_number: expected.to, outcome: 'missed', ended_at: expected.endedAt });
    expect(await history.get(known.sid)).toEqual(before);
    expect(await history.get(foreign.sid)).toBeUndefined();
  });

  it('periodic runs take turns between replicas; an unreachable call log changes nothing', async () => {
    await sql`DELETE FROM maintenance`.execute(database.db);
    const log: CallLog = { callsSince: async () => [] };
    const a = new Healer(database.db, history, log, { teamNumber: TEAM_NUMBER, users: ['alice'], log: quietLog, intervalMs: 0 });
    const b = new Healer(database.db, history, log, { teamNumber: TEAM_NUMBER, users: ['alice'], log: quietLog, intervalMs: 0 });
    expect(await a.heal('periodic')).toEqual({ listed: 0, calls: 0, changed: 0, voicemails: 0 });
    expect(await b.heal('periodic')).toBeUndefined();
    b.noteFailure();
    expect(await b.heal('recovered')).toEqual({ listed: 0, calls: 0, changed: 0, voicemails: 0 });

    const broken = new Healer(database.db, history, { callsSince: async () => Promise.reject(new Error('Twilio is down')) }, { teamNumber: TEAM_NUMBER, users: ['alice'], log: quietLog, intervalMs: 0 });
    broken.noteFailure();
    expect(await broken.heal('recovered')).toBeUndefined();
  });
});
