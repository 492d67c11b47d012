/**
 * Calls as Twilio reports them: for a scenario (who called whom, who was rung, how it ended, when), every
 * webhook Twilio sends about it (the voice webhook, status callbacks of the parent and the dialled legs with
 * their SequenceNumber and Timestamp, the <Dial> action), and the history record that must come of them.
 * Used by the fold's tables and properties, the routes' fuzz tests and the storage bench.
 */
import fc from 'fast-check';
import type { CallOutcome } from '../contracts/api/history';
import type { FoldedCall } from '../server/history/fold';
import { AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign } from './server-fixtures';

export type ScenarioKind = 'inbound' | 'outbound' | 'internal';
export type ScenarioResult = 'answered' | 'no-answer' | 'busy' | 'canceled' | 'refused' | 'nobody-available';

export interface Scenario {
  kind: ScenarioKind;
  sid: string;
  /** Inbound: the caller's number; otherwise the user placing the call. */
  caller: string;
  /** Outbound: the number called; internal: the colleague; inbound: unused (the team number). */
  callee: string;
  /** Inbound: the ring group members rung (available ones). */
  ring: string[];
  result: ScenarioResult;
  /** Inbound answered: which member answered. */
  answeredBy?: string;
  /** Seconds from the start. */
  answerAfter: number;
  talkSeconds: number;
  ringSeconds: number;
  /** The start, whole seconds (Twilio's Timestamp has second precision). */
  start: Date;
}

export type WebhookPath = '/handle_calls' | '/handle_calls/status' | `/handle_calls/after-dial?leg=${'number' | 'client' | 'inbound'}`;

export interface ScenarioRequest {
  path: WebhookPath;
  params: Record<string, string>;
  /** When Twilio sends it. */
  at: Date;
}

export const ACCOUNT = `AC${'a'.repeat(32)}`;
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);
/** Above the seeds scenarioArbitrary draws from, so the two never collide. */
let sidCounter = 2 ** 40;
export function callSid(seed = ++sidCounter): string {
  return `CA${seed.toString(16).padStart(32, '0')}`;
}

/** The webhooks of one scenario, in the order Twilio sends them. */
export function scenarioRequests(s: Scenario): ScenarioRequest[] {
  const out: ScenarioRequest[] = [];
  const parentFrom = s.kind === 'inbound' ? s.caller : `client:${s.caller}`;
  const parentTo = s.kind === 'inbound' ? TEAM_NUMBER : s.callee;
  const base = { AccountSid: ACCOUNT, ApiVersion: '2010-04-01' };
  const parent = { ...base, CallSid: s.sid, From: parentFrom, To: parentTo, Direction: 'inbound' };
  out.push({ path: '/handle_calls', params: { ...parent, CallStatus: 'ringing' }, at: s.start });

  const targets =
    s.result === 'refused' || s.result === 'nobody-available'
      ? []
      : s.kind === 'inbound'
        ? s.ring.map((u) => `client:${u}`)
        : [s.kind === 'internal' ? `client:${s.callee}` : s.callee];
  const childFrom = s.kind === 'outbound' ? TEAM_NUMBER : parentFrom;
  const answerAt = plus(s.start, s.answerAfter);
  const endAt = s.result === 'answered' ? plus(answerAt, s.talkSeconds) : plus(s.start, s.ringSeconds);
  let dialSid: string | undefined;
  targets.forEach((to, i) => {
    const sid = `${s.sid.slice(0, 30)}c${i}`;
    const leg = { ...base, CallSid: sid, ParentCallSid: s.sid, From: childFrom, To: to, Direction: 'outbound-dial', CallbackSource: 'call-progress-events' };
    let seq = 0;
    const event = (status: string, at: Date, extra: Record<string, string> = {}) =>
      out.push({ path: '/handle_calls/status', params: { ...leg, CallStatus: status, SequenceNumber: String(seq++), Timestamp: rfc2822(at), ...extra }, at });
    event('initiated', s.start);
    event('ringing', s.start);
    const winner = s.result === 'answered' && (s.kind !== 'inbound' || to === `client:${s.answeredBy}`);
    if (winner) {
      dialSid = sid;
      event('in-progress', answerAt);
      event('completed', endAt, { CallDuration: String(s.talkSeconds), Duration: String(Math.ceil(s.talkSeconds / 60)) });
    } else if (s.result === 'answered') {
      event('canceled', answerAt, { CallDuration: '0' });
    } else {
      event(s.result === 'busy' ? 'busy' : s.result === 'canceled' ? 'canceled' : 'no-answer', endAt, { CallDuration: '0' });
    }
    if (targets.length === 1) dialSid = sid;
  });

  const leg = s.kind === 'inbound' ? 'inbound' : s.kind === 'internal' ? 'client' : 'number';
  if (targets.length > 0) {
    const dialStatus = s.result === 'answered' ? 'completed' : s.result;
    out.push({
      path: `/handle_calls/after-dial?leg=${leg}`,
      params: {
        ...parent, CallStatus: 'in-progress', DialCallStatus: dialStatus,
        ...(dialSid ? { DialCallSid: dialSid } : {}),
        ...(s.result === 'answered' ? { DialCallDuration: String(s.talkSeconds), DialBridged: 'true' } : {}),
      },
      at: endAt,
    });
  }
  // The TwiML App's status callback: the parent leg's end ("completed" only, as Twilio sends it for apps).
  const parentEnd = plus(endAt, s.kind === 'inbound' && s.result !== 'answered' ? 4 : 0);
  const parentStatus = s.result === 'answered' || s.kind === 'inbound' || s.result === 'refused' ? 'completed' : s.result === 'busy' ? 'busy' : 'canceled';
  out.push({
    path: '/handle_calls/status',
    params: {
      ...parent, CallStatus: parentStatus, SequenceNumber: '0', Timestamp: rfc2822(parentEnd), CallbackSource: 'call-progress-events',
      CallDuration: String(Math.max(0, Math.round((parentEnd.getTime() - (s.result === 'answered' ? answerAt : s.start).getTime()) / 1000))),
    },
    at: parentEnd,
  });
  return out;
}

/** The record the history must show once every webhook of the scenario is in. */
export function expectedRecord(s: Scenario): FoldedCall {
  const answerAt = plus(s.start, s.answerAfter);
  const answered = s.result === 'answered';
  const endAt = answered ? plus(answerAt, s.talkSeconds) : plus(s.start, s.ringSeconds);
  const outcomes: Record<ScenarioResult, CallOutcome> = {
    answered: 'answered',
    'no-answer': s.kind === 'inbound' ? 'missed' : 'no-answer',
    busy: s.kind === 'inbound' ? 'missed' : s.kind === 'internal' ? 'rejected' : 'busy',
    canceled: s.kind === 'inbound' ? 'missed' : 'canceled',
    refused: 'failed',
    'nobody-available': 'missed',
  };
  const ended = s.result === 'nobody-available' ? plus(endAt, 4) : endAt;
  return {
    callSid: s.sid,
    direction: s.kind,
    from: s.kind === 'inbound' ? s.caller : `client:${s.caller}`,
    to: s.kind === 'inbound' ? TEAM_NUMBER : s.kind === 'internal' ? `client:${s.callee}` : s.callee,
    callerUser: s.kind === 'inbound' ? null : s.caller,
    calleeUser: s.kind === 'internal' ? s.callee : null,
    outcome: outcomes[s.result],
    answeredBy: !answered ? null : s.kind === 'inbound' ? s.answeredBy! : s.kind === 'internal' ? s.callee : null,
    startedAt: s.start,
    answeredAt: answered ? answerAt : null,
    endedAt: ended,
    durationSeconds: answered ? s.talkSeconds : null,
    transferredTo: null,
    transferredBy: null,
    parties: [],
  };
}

/** What /handle_calls decides for the scenario (for facts made without the app). */
export function scenarioDecision(s: Scenario): { decision: 'dial-number' | 'dial-client' | 'ring-group' | 'nobody-available' | 'refuse'; target: string | null } {
  if (s.result === 'refused') return { decision: 'refuse', target: s.kind === 'internal' ? `client:${s.callee}` : s.callee };
  if (s.kind === 'inbound') return { decision: s.result === 'nobody-available' ? 'nobody-available' : 'ring-group', target: null };
  return s.kind === 'internal' ? { decision: 'dial-client', target: `client:${s.callee}` } : { decision: 'dial-number', target: s.callee };
}

const USERS = ['alice', 'bob', 'carol'] as const;
const NUMBERS = ['+12025550101', '+12025550105', '+14155550123', '+12125550199'] as const;

/** Any scenario the app can produce (fast-check). */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    kind: fc.constantFrom<ScenarioKind>('inbound', 'outbound', 'internal'),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    caller: fc.constantFrom(...USERS),
    number: fc.constantFrom(...NUMBERS),
    ring: fc.subarray([...USERS], { minLength: 1 }),
    result: fc.constantFrom<ScenarioResult>('answered', 'no-answer', 'busy', 'canceled', 'refused', 'nobody-available'),
    answerAfter: fc.integer({ min: 1, max: 25 }),
    talkSeconds: fc.integer({ min: 0, max: 3600 }),
    ringSeconds: fc.integer({ min: 1, max: 30 }),
    startOffset: fc.integer({ min: 0, max: 86_400 * 30 }),
    pick: fc.nat(),
  })
  .map((r): Scenario => {
    const start = new Date(Date.UTC(2025, 2, 1) + r.startOffset * 1000);
    const others = USERS.filter((u) => u !== r.caller);
    let result = r.result;
    if (r.kind !== 'inbound' && result === 'nobody-available') result = 'no-answer';
    if (r.kind === 'inbound' && result === 'refused') result = 'nobody-available';
    return {
      kind: r.kind,
      sid: callSid(r.seed),
      caller: r.kind === 'inbound' ? r.number : r.caller,
      callee: r.kind === 'internal' ? others[r.pick % others.length]! : r.number,
      ring: r.ring,
      result,
      ...(result === 'answered' && r.kind === 'inbound' ? { answeredBy: r.ring[r.pick % r.ring.length]! } : {}),
      answerAfter: r.answerAfter,
      talkSeconds: r.talkSeconds,
      ringSeconds: r.ringSeconds,
      start,
    };
  });

/** The request as Twilio sends it to an app configured with the test account (server-fixtures), for inject(). */
export function signedWebhook(r: Pick<ScenarioRequest, 'path' | 'params'>, base = PUBLIC_BASE_URL, authToken = AUTH_TOKEN) {
  return {
    method: 'POST' as const,
    url: r.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(authToken, `${base}${r.path}`, r.params) },
    payload: form(r.params),
  };
}
