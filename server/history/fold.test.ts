/**
 * The fold: a table of calls as Twilio reports them and the record each must give, then properties over
 * generated calls: any order, any repeats, with or without the healed REST records, gives the same record;
 * and input outside any real call never throws nor yields a record outside its types.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callSid, expectedRecord, scenarioArbitrary, scenarioDecision, scenarioRequests } from '../../test-support/call-scenarios';
import type { Scenario, ScenarioRequest } from '../../test-support/call-scenarios';
import { dialFact, recordingFact, restFact, statusFact, voiceFact } from './facts';
import type { CallFact } from './facts';
import { foldCall } from './fold';

function factOf(s: Scenario, r: ScenarioRequest): CallFact {
  const { decision, target } = scenarioDecision(s);
  const fact =
    r.path === '/handle_calls' ? voiceFact(r.params, decision, target, r.at) : r.path === '/handle_calls/status' ? statusFact(r.params, r.at) : dialFact(r.params, r.at);
  if (!fact) throw new Error(`no fact from ${r.path}`);
  return fact;
}

const factsOf = (s: Scenario) => scenarioRequests(s).map((r) => factOf(s, r));

/** The REST Calls list's view of the same call: one record per leg, as healing reads it. */
function restFactsOf(s: Scenario): CallFact[] {
  const byLeg = new Map<string, { parent: string | null; from: string; to: string; status: string; start: Date; end: Date | null; duration: string | null }>();
  for (const r of scenarioRequests(s)) {
    if (r.path !== '/handle_calls/status') continue;
    const p = r.params;
    const leg = byLeg.get(p.CallSid!) ?? { parent: p.ParentCallSid ?? null, from: p.From!, to: p.To!, status: '', start: r.at, end: null, duration: null };
    leg.status = p.CallStatus!;
    if (['completed', 'busy', 'no-answer', 'canceled', 'failed'].includes(p.CallStatus!)) {
      leg.end = r.at;
      leg.duration = p.CallDuration ?? null;
    }
    byLeg.set(p.CallSid!, leg);
  }
  return [...byLeg.entries()].map(([sid, l]) =>
    restFact({ sid, parentCallSid: l.parent, from: l.from, to: l.to, status: l.status, startTime: l.start, endTime: l.end, duration: l.duration }, new Date())!,
  );
}

const START = new Date('2025-03-01T10:00:00Z');
const base = { sid: callSid(1), ring: ['alice', 'bob'], answerAfter: 5, talkSeconds: 60, ringSeconds: 25, start: START };
const phone = '+14155550123';

const TABLE: [string, Scenario, Partial<ReturnType<typeof expectedRecord>>][] = [
  ['inbound, nobody answers', { ...base, kind: 'inbound', caller: phone, callee: '', result: 'no-answer' },
    { direction: 'inbound', outcome: 'missed', answeredBy: null, from: phone, durationSeconds: null }],
  ['inbound, bob answers', { ...base, kind: 'inbound', caller: phone, callee: '', result: 'answered', answeredBy: 'bob' },
    { outcome: 'answered', answeredBy: 'bob', durationSeconds: 60, answeredAt: new Date('2025-03-01T10:00:05Z'), endedAt: new Date('2025-03-01T10:01:05Z') }],
  ['inbound, nobody available (not rung at all)', { ...base, kind: 'inbound', caller: phone, callee: '', result: 'nobody-available' }, { outcome: 'missed' }],
  ['inbound, the caller hangs up while it rings', { ...base, kind: 'inbound', caller: phone, callee: '', result: 'canceled', ringSeconds: 8 },
    { outcome: 'missed', endedAt: new Date('2025-03-01T10:00:08Z') }],
  ['outbound, answered', { ...base, kind: 'outbound', caller: 'alice', callee: phone, result: 'answered' },
    { direction: 'outbound', from: 'client:alice', to: phone, callerUser: 'alice', outcome: 'answered', answeredBy: null, durationSeconds: 60 }],
  ['outbound, busy', { ...base, kind: 'outbound', caller: 'alice', callee: phone, result: 'busy' }, { outcome: 'busy' }],
  ['outbound, no answer', { ...base, kind: 'outbound', caller: 'alice', callee: phone, result: 'no-answer' }, { outcome: 'no-answer' }],
  ['outbound, the caller gives up', { ...base, kind: 'outbound', caller: 'alice', callee: phone, result: 'canceled' }, { outcome: 'canceled' }],
  ['outbound, refused (not an allowed destination)', { ...base, kind: 'outbound', caller: 'alice', callee: '+19005550100', result: 'refused' }, { outcome: 'failed' }],
  ['internal, answered', { ...base, kind: 'internal', caller: 'alice', callee: 'bob', result: 'answered' },
    { direction: 'internal', to: 'client:bob', calleeUser: 'bob', outcome: 'answered', answeredBy: 'bob' }],
  ['internal, declined', { ...base, kind: 'internal', caller: 'alice', callee: 'bob', result: 'busy' }, { outcome: 'rejected', answeredBy: null }],
  ['internal, no answer', { ...base, kind: 'internal', caller: 'alice', callee: 'bob', result: 'no-answer' }, { outcome: 'no-answer' }],
];

describe('fold: calls as Twilio reports them', () => {
  it.each(TABLE)('%s', (_name, scenario, fields) => {
    const record = foldCall(scenario.sid, factsOf(scenario));
    expect(record).toEqual(expectedRecord(scenario));
    expect(record).toMatchObject(fields);
  });

  it.each(TABLE)('%s: the same record from the REST Calls list alone (healing)', (_name, scenario) => {
    const rest = restFactsOf(scenario);
    const expected = expectedRecord(scenario);
    const healed = foldCall(scenario.sid, rest);
    expect(healed).toMatchObject({ direction: expected.direction, from: expected.from, outcome: expected.outcome, answeredBy: expected.answeredBy, durationSeconds: expected.durationSeconds });
    // The log's times are Twilio's own: the ring's end, the talk's start and end.
    expect(healed?.endedAt).toEqual(expected.endedAt);
    expect(healed?.answeredAt).toEqual(expected.answeredAt);
    // With the callbacks too, the callbacks' own times win: healing adds nothing to a complete record.
    expect(foldCall(scenario.sid, [...factsOf(scenario), ...rest])).toEqual(expected);
  });

  it('a dialled leg alone makes no record: it does not say who called whom', () => {
    const s: Scenario = { ...base, kind: 'inbound', caller: phone, callee: '', result: 'answered', answeredBy: 'bob' };
    const childOnly = factsOf(s).filter((f) => f.kind === 'status' && f.leg !== s.sid);
    expect(foldCall(s.sid, childOnly)).toBeNull();
  });

  it('while it rings the record is open; once answered it says who, before it ends', () => {
    const s: Scenario = { ...base, kind: 'inbound', caller: phone, callee: '', result: 'answered', answeredBy: 'alice' };
    const facts = factsOf(s);
    const ringing = facts.filter((f) => f.kind === 'voice' || (f.kind === 'status' && ['initiated', 'ringing'].includes(f.status)));
    expect(foldCall(s.sid, ringing)).toMatchObject({ outcome: null, answeredBy: null, endedAt: null, durationSeconds: null });
    const talking = [...ringing, ...facts.filter((f) => f.kind === 'status' && f.status === 'in-progress')];
    expect(foldCall(s.sid, talking)).toMatchObject({ outcome: null, answeredBy: 'alice', answeredAt: new Date('2025-03-01T10:00:05Z'), endedAt: null });
  });

  it('without the voice webhook (its write failed), the status callbacks still give the record', () => {
    for (const [, s] of TABLE) {
      if (s.result === 'refused') continue; // only /handle_calls knew it was refused
      const record = foldCall(s.sid, factsOf(s).filter((f) => f.kind !== 'voice'));
      expect(record, s.kind + s.result).toMatchObject({ outcome: expectedRecord(s).outcome, from: expectedRecord(s).from, to: expectedRecord(s).to });
    }
  });
});

/** A permutation of the facts with some of them repeated; the voice webhook and the action come again later. */
const arrival = (facts: CallFact[]) =>
  fc.tuple(fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }), fc.array(fc.nat(facts.length - 1), { maxLength: 6 }), fc.nat(120)).map(
    ([order, repeats, later]) => [
      ...order,
      ...repeats.map((i) => {
        const f = facts[i]!;
        // Twilio's retry of a webhook the app answers arrives later; a status callback repeats its Timestamp.
        return f.kind === 'voice' || f.kind === 'dial' ? { ...f, at: new Date(Date.parse(f.at) + (later + 1) * 1000).toISOString() } : f;
      }),
    ],
  );

describe('fold: properties', () => {
  it('any order and any repeats give the record the call must have (fast-check)', () => {
    fc.assert(
      fc.property(scenarioArbitrary.chain((s) => fc.tuple(fc.constant(s), arrival(factsOf(s)))), ([s, facts]) => {
        expect(foldCall(s.sid, facts)).toEqual(expectedRecord(s));
      }),
      { numRuns: 1500 },
    );
  });

  it('the REST records added in any order change nothing in a complete record (fast-check)', () => {
    fc.assert(
      fc.property(scenarioArbitrary.chain((s) => fc.tuple(fc.constant(s), arrival([...factsOf(s), ...restFactsOf(s)]))), ([s, facts]) => {
        expect(foldCall(s.sid, facts)).toEqual(expectedRecord(s));
      }),
      { numRuns: 500 },
    );
  });

  it('any subset of the facts, in any order, folds to the same record as in another order (fast-check)', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary.chain((s) => fc.tuple(fc.constant(s), fc.subarray(factsOf(s))).chain(([s2, some]) => fc.tuple(fc.constant(s2), fc.constant(some), fc.shuffledSubarray(some, { minLength: some.length, maxLength: some.length })))),
        ([s, some, shuffled]) => {
          expect(foldCall(s.sid, shuffled)).toEqual(foldCall(s.sid, some));
        },
      ),
      { numRuns: 800 },
    );
  });

  const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('completed', 'in-progress', 'busy', 'no-answer', 'canceled', 'failed', 'ringing', 'client:bob', '+12025550100', ''));
  const anyParams = fc.dictionary(
    fc.constantFrom('CallSid', 'ParentCallSid', 'From', 'To', 'CallStatus', 'SequenceNumber', 'Timestamp', 'CallDuration', 'DialCallStatus', 'DialCallSid', 'DialCallDuration', 'SipResponseCode'),
    fc.oneof(anyText, fc.constant(callSid(7)), fc.constant(callSid(8)), fc.integer().map(String), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toUTCString()))),
  );

  it('input outside any real call never throws and never yields a record outside its types (fast-check)', () => {
    const now = new Date('2025-03-01T00:00:00Z');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('voice', 'status', 'dial'), anyParams), { maxLength: 12 }), (requests) => {
        const facts = requests.flatMap(([kind, params]) => {
          const f = kind === 'voice' ? voiceFact(params, 'ring-group', null, now) : kind === 'status' ? statusFact(params, now) : dialFact(params, now);
          return f ? [f] : [];
        });
        for (const sid of [callSid(7), callSid(8)]) {
          const record = foldCall(sid, facts);
          if (record === null) continue;
          expect(['inbound', 'outbound', 'internal']).toContain(record.direction);
          expect([null, 'answered', 'missed', 'busy', 'no-answer', 'rejected', 'failed', 'canceled']).toContain(record.outcome);
          expect(Number.isNaN(record.startedAt.getTime())).toBe(false);
          if (record.durationSeconds !== null) expect(record.durationSeconds).toBeGreaterThanOrEqual(0);
          if (record.outcome === null) expect(record.endedAt).toBeNull();
          if (record.outcome !== 'answered') expect(record.durationSeconds).toBeNull();
          expect(record.from.length).toBeLessThanOrEqual(200);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('facts', () => {
  it('drop NUL characters, which PostgreSQL cannot store, from what a callback says', () => {
    const fact = statusFact({ CallSid: callSid(1), CallStatus: 'completed', From: '+1202\u00005550123', To: '\u0000' }, new Date());
    expect(fact).toMatchObject({ from: '+12025550123', to: '' });
  });
});

describe('a message left after nobody answered', () => {
  const scenario: Scenario = { ...base, kind: 'inbound', caller: phone, callee: '', result: 'no-answer' };
  const at = new Date(START.getTime() + 40_000);
  const recording = (status: string, duration: string | undefined) =>
    recordingFact({ CallSid: scenario.sid, RecordingSid: `RE${'5'.repeat(32)}`, RecordingStatus: status, ...(duration === undefined ? {} : { RecordingDuration: duration }) }, at)!;

  it.each([
    ['a completed message of 3 s', recording('completed', '3'), 'voicemail'],
    ['silence only (absent)', recording('absent', undefined), 'missed'],
    ['zero length', recording('completed', '0'), 'missed'],
    ['still recording', recording('in-progress', undefined), 'missed'],
  ])('%s: %s', (_name, fact, outcome) => {
    const facts = [...factsOf(scenario), fact];
    // Any order, any repeat: the same record.
    for (const order of [facts, [...facts].reverse(), [fact, ...facts, fact]]) expect(foldCall(scenario.sid, order)?.outcome).toBe(outcome);
  });

  it('the message alone with the voice webhook ends the call (its parent status may come later)', () => {
    const voice = factsOf(scenario).filter((f) => f.kind === 'voice');
    expect(foldCall(scenario.sid, [...voice, recording('completed', '3')])?.outcome).toBe('voicemail');
    expect(foldCall(scenario.sid, voice)?.outcome).toBeNull();
  });
});
