/**
 * The fold of calls moved into a conference (hold, transfer, add person): conference callbacks kept as
 * facts say who took part and when the call really ended; a handover says who it went to. A table of
 * calls, then the property: any order, any repeats give the same record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conferenceFact, factKey, handoverFact, statusFact, voiceFact } from './facts';
import type { CallFact } from './facts';
import { foldCall } from './fold';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const PHONE = '+14155550123';
const OTHER = '+14155550999';
const TEAM = '+15005550006';
const PARENT = 'CAparent';
const CHILD = 'CAchild';
const CF = 'CFroom';

let seq = 0;
function status(leg: string, from: string, to: string, callStatus: string, s: number, duration?: number): CallFact {
  return statusFact(
    {
      CallSid: leg, ...(leg === PARENT ? {} : { ParentCallSid: PARENT }), From: from, To: to, CallStatus: callStatus,
      Timestamp: at(s).toUTCString(), ...(duration === undefined ? {} : { CallDuration: String(duration) }),
    },
    at(s),
  )!;
}
function conf(event: string, s: number, leg = '', party = ''): CallFact {
  return conferenceFact(PARENT, { ConferenceSid: CF, StatusCallbackEvent: event, CallSid: leg, SequenceNumber: String(++seq), Timestamp: at(s).toUTCString() }, party, at(s))!;
}

/** A phone calls the team, alice answers at 5 s and the call moves into a conference at 20 s. */
function inboundMoved(): CallFact[] {
  return [
    voiceFact({ CallSid: PARENT, From: PHONE, To: TEAM }, 'ring-group', null, at(0))!,
    status(PARENT, PHONE, TEAM, 'ringing', 0),
    status(CHILD, PHONE, 'client:alice', 'ringing', 1),
    status(CHILD, PHONE, 'client:alice', 'in-progress', 5),
    conf('participant-join', 20, PARENT, PHONE),
    conf('participant-join', 20, CHILD, 'client:alice'),
  ];
}

/** alice calls a number, it answers at 5 s and the call moves into a conference at 20 s. */
function outboundMoved(): CallFact[] {
  return [
    voiceFact({ CallSid: PARENT, From: 'client:alice', To: PHONE }, 'dial-number', PHONE, at(0))!,
    status(PARENT, 'client:alice', PHONE, 'in-progress', 0),
    status(CHILD, TEAM, PHONE, 'ringing', 1),
    status(CHILD, TEAM, PHONE, 'in-progress', 5),
    conf('participant-join', 20, PARENT, 'client:alice'),
    conf('participant-join', 20, CHILD, PHONE),
  ];
}

const blindToBob = (aliceLeg: string) => [
  conf('participant-leave', 21, aliceLeg, 'client:alice'),
  conf('participant-join', 30, 'CAbob', 'client:bob'),
  handoverFact(PARENT, { kind: 'user', name: 'bob' }, 'CAbob', at(30), 'alice')!,
];

const CASES: [string, CallFact[], CallFact[], Record<string, unknown>][] = [];
seq = 0;
{
  const going = [...inboundMoved(), ...blindToBob(CHILD), status(CHILD, PHONE, 'client:alice', 'completed', 21, 16)];
  const end = [conf('participant-leave', 95, PARENT, PHONE), conf('participant-leave', 95, 'CAbob', 'client:bob'), conf('conference-end', 95), status(PARENT, PHONE, TEAM, 'completed', 95, 95)];
  CASES.push(['inbound, blind transfer to bob', going, end, {
    outcome: 'answered', answeredBy: 'bob', transferredTo: 'client:bob', transferredBy: 'alice',
    parties: [PHONE, 'client:alice', 'client:bob'], answeredAt: at(5), endedAt: at(95), durationSeconds: 90,
  }]);
}
{
  const going = [...outboundMoved(), ...blindToBob(PARENT), status(PARENT, 'client:alice', PHONE, 'completed', 21, 21)];
  const end = [conf('participant-leave', 65, CHILD, PHONE), conf('participant-leave', 65, 'CAbob', 'client:bob'), conf('conference-end', 65), status(CHILD, TEAM, PHONE, 'completed', 65, 60)];
  CASES.push(["outbound, alice transfers her call to bob: her leg's end is not the call's", going, end, {
    direction: 'outbound', outcome: 'answered', answeredBy: null, transferredTo: 'client:bob', transferredBy: 'alice',
    parties: [PHONE, 'client:alice', 'client:bob'], endedAt: at(65), durationSeconds: 60,
  }]);
}
{
  const going = [
    ...inboundMoved(),
    conf('participant-leave', 21, CHILD, 'client:alice'),
    conf('participant-join', 30, 'CAnumber', OTHER),
    handoverFact(PARENT, { kind: 'phone', name: OTHER }, 'CAnumber', at(30), 'alice')!,
  ];
  const end = [conf('participant-leave', 45, PARENT, PHONE), conf('participant-leave', 45, 'CAnumber', OTHER), conf('conference-end', 45)];
  CASES.push(['inbound, blind transfer to a number: answeredBy stays alice', going, end, {
    outcome: 'answered', answeredBy: 'alice', transferredTo: OTHER, transferredBy: 'alice', parties: [PHONE, 'client:alice', OTHER], endedAt: at(45), durationSeconds: 40,
  }]);
}
{
  const going = [...inboundMoved(), conf('participant-join', 30, 'CAbob', 'client:bob'), conf('participant-leave', 50, CHILD, 'client:alice'), status(CHILD, PHONE, 'client:alice', 'completed', 50, 45)];
  // No conference-end callback: everyone who joined has left.
  const end = [conf('participant-leave', 70, 'CAbob', 'client:bob'), conf('participant-leave', 71, PARENT, PHONE)];
  CASES.push(['inbound, three-way call: alice adds bob and leaves; the call ends with the last leave', going, end, {
    outcome: 'answered', answeredBy: 'alice', transferredTo: null, transferredBy: null, parties: [PHONE, 'client:alice', 'client:bob'], endedAt: at(71), durationSeconds: 66,
  }]);
}

describe('fold: calls moved into a conference', () => {
  it.each(CASES)('%s', (_name, going, end, fields) => {
    expect(foldCall(PARENT, going)).toMatchObject({ outcome: null, endedAt: null, durationSeconds: null });
    expect(foldCall(PARENT, [...going, ...end])).toMatchObject(fields);
  });

  it('a plain call has no parties and no transfer', () => {
    const plain = [...inboundMoved().slice(0, 4), status(CHILD, PHONE, 'client:alice', 'completed', 65, 60), status(PARENT, PHONE, TEAM, 'completed', 65, 65)];
    expect(foldCall(PARENT, plain)).toMatchObject({ outcome: 'answered', parties: [], transferredTo: null, transferredBy: null, durationSeconds: 60 });
  });

  it('a conference callback sent again without a Timestamp is the same fact (its SequenceNumber says so)', () => {
    const p = { ConferenceSid: CF, StatusCallbackEvent: 'participant-join', CallSid: 'CAbob', SequenceNumber: '7' };
    const first = conferenceFact(PARENT, p, 'client:bob', at(30))!;
    const again = conferenceFact(PARENT, p, 'client:bob', at(31))!;
    expect(factKey(first)).toBe(factKey(again));
    expect(foldCall(PARENT, [...inboundMoved(), first, again])).toEqual(foldCall(PARENT, [...inboundMoved(), again, first]));
  });

  it('callbacks that are no join, leave or end, or name no conference, are not facts', () => {
    expect(conferenceFact(PARENT, { ConferenceSid: CF, StatusCallbackEvent: 'participant-hold', CallSid: CHILD }, 'x', at(1))).toBeUndefined();
    expect(conferenceFact(PARENT, { StatusCallbackEvent: 'participant-join', CallSid: CHILD }, 'x', at(1))).toBeUndefined();
  });

  it('conference callbacks outside any real call never throw nor yield a record outside its types (fast-check)', () => {
    const anyText = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('participant-join', 'participant-leave', 'conference-end', CF, CHILD, 'CAbob', '7', ''));
    const anyParams = fc.dictionary(fc.constantFrom('ConferenceSid', 'StatusCallbackEvent', 'CallSid', 'SequenceNumber', 'Timestamp'), anyText);
    fc.assert(
      fc.property(fc.array(fc.tuple(anyParams, fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 600 })), { maxLength: 10 }), (callbacks) => {
        const facts = callbacks.map(([p, party, s]) => conferenceFact(PARENT, p, party, at(s))).filter((f): f is CallFact => f !== undefined);
        const record = foldCall(PARENT, [...inboundMoved(), ...facts])!;
        expect(record.parties.every((p) => typeof p === 'string' && p !== '')).toBe(true);
        expect(record.durationSeconds === null || (Number.isInteger(record.durationSeconds) && record.durationSeconds >= 0)).toBe(true);
        expect(record.endedAt === null || !Number.isNaN(record.endedAt.getTime())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('any order and any repeats give the same record (fast-check)', () => {
    for (const [, going, end] of CASES) {
      const facts = [...going, ...end];
      const expected = foldCall(PARENT, facts);
      fc.assert(
        fc.property(fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }), fc.array(fc.nat(facts.length - 1), { maxLength: 6 }), (order, repeats) => {
          expect(foldCall(PARENT, [...order, ...repeats.map((i) => order[i]!)])).toEqual(expected);
        }),
        { numRuns: 200 },
      );
    }
  });
});
