/**
 * The history against real PostgreSQL: facts stored in any order, concurrently, twice, give the record the
 * call must have; each user's list (visibility, keyset pages, the Missed filter, seen flags); unseen
 * counts; called back by; on a call; the events each change writes; retention.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedRecord, scenarioArbitrary, scenarioDecision, scenarioRequests, callSid } from '../../test-support/call-scenarios';
import type { Scenario } from '../../test-support/call-scenarios';
import { openTestDatabase } from '../../test-support/database';
import type { Database } from '../store/database';
import { dialFact, statusFact, voiceFact } from './facts';
import type { CallFact } from './facts';
import { foldedColumns } from './records';
import { BadCursorError, HistoryRepository } from './repository';

let database: Database;
let closeDatabase: () => Promise<void>;
let history: HistoryRepository;
const USERS = ['alice', 'bob', 'carol'];

beforeAll(async () => {
  ({ database, close: closeDatabase } = await openTestDatabase());
});
afterAll(() => closeDatabase());
beforeEach(async () => {
  await sql`TRUNCATE calls, call_facts, events, team_members, maintenance`.execute(database.db);
  await database.db.insertInto('team_members').values(USERS.map((user_name) => ({ user_name, seen_up_to: null }))).execute();
});

function factsOf(s: Scenario): CallFact[] {
  const { decision, target } = scenarioDecision(s);
  return scenarioRequests(s).map((r) =>
    (r.path === '/handle_calls' ? voiceFact(r.params, decision, target, r.at) : r.path === '/handle_calls/status' ? statusFact(r.params, r.at) : dialFact(r.params, r.at))!,
  );
}

const rowOf = (sid: string) => database.db.selectFrom('calls').selectAll().where('call_sid', '=', sid).executeTakeFirst();
const events = () => database.db.selectFrom('events').selectAll().orderBy('id').execute();

const start = (minutes: number) => new Date(Date.UTC(2025, 2, 1, 9, minutes));
const scenario = (over: Partial<Scenario> & Pick<Scenario, 'kind' | 'result'>): Scenario => ({
  sid: callSid(),
  caller: over.kind === 'inbound' ? '+14155550123' : 'alice',
  callee: over.kind === 'internal' ? 'bob' : '+14155550123',
  ring: USERS,
  answerAfter: 4,
  talkSeconds: 30,
  ringSeconds: 20,
  start: start(0),
  ...over,
});

async function play(s: Scenario): Promise<void> {
  for (const f of factsOf(s)) await history.record([f]);
}

describe('recording facts', () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it('facts written one by one, concurrently, in random order and twice, give the record the call must have (fast-check)', async () => {
    await fc.assert(
      // A fresh CallSid per run: the database keeps what earlier runs (and shrinking) wrote.
      fc.asyncProperty(scenarioArbitrary.map((s) => ({ ...s, sid: callSid() })).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(factsOf(s), { minLength: factsOf(s).length }))), async ([s, order]) => {
        const twice = [...order, ...order.slice(0, 3)];
        await Promise.all(twice.map((f) => history.record([f])));
        const row = await rowOf(s.sid);
        expect(row).toMatchObject(foldedColumns(expectedRecord(s)));
      }),
      { numRuns: 40 },
    );
  });

  it('a repeated callback changes nothing and writes no event', async () => {
    const s = scenario({ kind: 'inbound', result: 'no-answer' });
    await play(s);
    const before = (await events()).length;
    const again = await history.record([factsOf(s).at(-1)!]);
    expect(again.changed).toBe(false);
    expect((await events()).length).toBe(before);
  });

  it('an inbound call is announced to everyone, an outbound one to its caller only', async () => {
    await play(scenario({ kind: 'inbound', result: 'no-answer' }));
    await play(scenario({ kind: 'outbound', result: 'answered', caller: 'bob', start: start(5) }));
    await play(scenario({ kind: 'internal', result: 'answered', caller: 'alice', callee: 'carol', start: start(9) }));
    const callEvents = (await events()).filter((e) => e.type === 'call');
    const audiences = new Set(callEvents.map((e) => JSON.stringify(e.audience)));
    expect(audiences).toEqual(new Set(['null', '["bob"]', '["alice","carol"]']));
    // Ids grow with commits.
    const ids = (await events()).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});

describe("each user's list", () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it("shows the team's inbound calls and one's own outbound and internal calls, never another user's", async () => {
    await play(scenario({ kind: 'inbound', result: 'no-answer', start: start(1) }));
    await play(scenario({ kind: 'outbound', result: 'answered', caller: 'alice', start: start(2) }));
    await play(scenario({ kind: 'outbound', result: 'busy', caller: 'bob', callee: '+12125550199', start: start(3) }));
    await play(scenario({ kind: 'internal', result: 'answered', caller: 'bob', callee: 'carol', start: start(4) }));
    await play(scenario({ kind: 'internal', result: 'no-answer', caller: 'carol', callee: 'alice', start: start(5) }));
    const see = async (user: string) => (await history.list(user, {})).items.map((c) => `${c.direction} ${c.from}→${c.to}`);
    expect(await see('alice')).toEqual(['internal client:carol→client:alice', 'outbound client:alice→+14155550123', 'inbound +14155550123→+12025550100']);
    expect(await see('bob')).toEqual(['internal client:bob→client:carol', 'outbound client:bob→+12125550199', 'inbound +14155550123→+12025550100']);
    expect(await see('carol')).toEqual(['internal client:carol→client:alice', 'internal client:bob→client:carol', 'inbound +14155550123→+12025550100']);
  });

  it('pages newest first with a cursor, without gaps or repeats; a forged cursor is refused', async () => {
    for (let i = 0; i < 65; i++) await play(scenario({ kind: 'inbound', result: i % 3 === 0 ? 'answered' : 'no-answer', answeredBy: 'bob', start: new Date(Date.UTC(2025, 2, 1, 9) + Math.floor(i / 2) * 60_000) }));
    const seen: string[] = [];
    let before: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await history.list('alice', { limit: 30, ...(before ? { before } : {}) });
      sizes.push(page.items.length);
      seen.push(...page.items.map((c) => c.id));
      before = page.nextCursor ?? undefined;
    } while (before);
    expect(sizes).toEqual([30, 30, 5]);
    expect(new Set(seen).size).toBe(65);
    const all = (await history.list('alice', { limit: 100 })).items;
    expect(all.map((c) => c.id)).toEqual(seen);
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i - 1]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(all[i]!.startedAt));
    const missed = (await history.list('alice', { filter: 'missed', limit: 100 })).items;
    expect(missed.length).toBe(43);
    expect(missed.every((c) => c.outcome === 'missed')).toBe(true);
    await expect(history.list('alice', { before: 'not-a-cursor' })).rejects.toBeInstanceOf(BadCursorError);
    await expect(history.list('alice', { before: Buffer.from("2025-01-01T00:00:00.000Z|1; DROP TABLE calls").toString('base64url') })).rejects.toBeInstanceOf(BadCursorError);
  });
});

describe('seen and unseen', () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it('counts the missed calls each user has not seen; marking seen moves only that user', async () => {
    await play(scenario({ kind: 'inbound', result: 'no-answer', start: start(1) }));
    await play(scenario({ kind: 'inbound', result: 'answered', answeredBy: 'bob', start: start(2) }));
    await play(scenario({ kind: 'inbound', result: 'canceled', start: start(3) }));
    expect((await history.unseen('alice')).missedCalls).toBe(2);
    const unseenEvents = (await events()).filter((e) => e.type === 'unseen');
    expect(unseenEvents.filter((e) => e.audience?.[0] === 'alice').at(-1)?.payload).toMatchObject({ unseen: { missedCalls: 2 } });

    const after = await history.markSeen('alice', new Date(start(2)));
    expect(after.missedCalls).toBe(1);
    const list = (await history.list('alice', {})).items;
    expect(list.map((c) => [c.outcome, c.seen])).toEqual([['missed', false], ['answered', true], ['missed', true]]);
    expect((await history.unseen('bob')).missedCalls).toBe(2);
    // The watermark never moves back, nor into the future.
    expect((await history.markSeen('alice', new Date(start(0)))).missedCalls).toBe(1);
    expect((await history.markSeen('alice', new Date('2100-01-01T00:00:00Z'))).missedCalls).toBe(0);
    const future = await play(scenario({ kind: 'inbound', result: 'no-answer', start: new Date(Date.now() + 60_000) })).then(() => history.unseen('alice'));
    expect(future.missedCalls).toBe(1);
  });
});

describe('called back by', () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it('calling a missed caller back marks their missed calls for the whole team', async () => {
    const missed = scenario({ kind: 'inbound', result: 'no-answer', caller: '+12125550111', start: start(1) });
    await play(missed);
    await play(scenario({ kind: 'outbound', result: 'no-answer', caller: 'carol', callee: '+12125550111', start: start(10) }));
    expect(await rowOf(missed.sid)).toMatchObject({ called_back_by: 'carol', called_back_at: start(10) });
    const missedId = (await rowOf(missed.sid))!.id;
    const event = (await events()).filter((e) => e.type === 'call' && (e.payload as { call: { id: string } }).call.id === missedId).at(-1)!;
    expect(event.audience).toBeNull();
    expect(event.payload).toMatchObject({ call: { calledBackBy: 'carol' } });
  });

  it('answering their next call marks it too, and the order the callbacks arrive in does not matter', async () => {
    const missed = scenario({ kind: 'inbound', result: 'no-answer', caller: '+12125550112', start: start(1) });
    const next = scenario({ kind: 'inbound', result: 'answered', answeredBy: 'bob', caller: '+12125550112', start: start(20) });
    await play(next);
    await play(missed);
    expect(await rowOf(missed.sid)).toMatchObject({ called_back_by: 'bob', called_back_at: new Date(start(20).getTime() + 4000) });
    // A call to someone else, or before the missed call, does not count.
    const other = scenario({ kind: 'inbound', result: 'no-answer', caller: '+12125550113', start: start(30) });
    await play(other);
    await play(scenario({ kind: 'outbound', result: 'answered', caller: 'alice', callee: '+12125550113', start: start(29) }));
    expect((await rowOf(other.sid))?.called_back_by).toBeNull();
  });
});

describe('on a call', () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it('a user is on a call from answering until it ends, announced to everyone', async () => {
    const s = scenario({ kind: 'inbound', result: 'answered', answeredBy: 'carol', start: new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000) });
    const facts = factsOf(s);
    const untilAnswer = facts.filter((f) => f.kind === 'voice' || (f.kind === 'status' && f.status !== 'completed' && f.status !== 'canceled'));
    for (const f of untilAnswer) await history.record([f]);
    const member = () => database.db.selectFrom('team_members').selectAll().where('user_name', '=', 'carol').executeTakeFirstOrThrow();
    expect((await member()).on_call).toBe(true);
    for (const f of facts) await history.record([f]);
    expect((await member()).on_call).toBe(false);
    const presence = (await events()).filter((e) => e.type === 'presence').map((e) => e.payload);
    expect(presence).toEqual([
      { presence: { user: 'carol', availability: 'available', onCall: true } },
      { presence: { user: 'carol', availability: 'available', onCall: false } },
    ]);
  });
});

describe('retention', () => {
  beforeAll(() => {
    history = new HistoryRepository(database.db);
  });

  it('deletes calls older than the retention with their facts, and nothing newer', async () => {
    const old = scenario({ kind: 'inbound', result: 'no-answer', start: new Date(Date.now() - 400 * 86_400_000) });
    const recent = scenario({ kind: 'inbound', result: 'no-answer', start: new Date(Date.now() - 10 * 86_400_000) });
    await play(old);
    await play(recent);
    expect(await history.purge(365)).toBe(1);
    expect(await rowOf(old.sid)).toBeUndefined();
    expect(await rowOf(recent.sid)).toBeDefined();
    const facts = await database.db.selectFrom('call_facts').select('call_sid').distinct().execute();
    expect(facts.map((f) => f.call_sid)).toEqual([recent.sid]);
  });
});
