/**
 * The decisions of a TwiML run, as pure functions: what follows a verb, how <Gather> collects
 * digits, and how the simultaneous ringing of a <Dial> resolves. The TwiML runner (../calls/runner.ts) does the I/O.
 */
import type { DialVerb, GatherVerb, Method, Verb } from './verbs';

export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export type VerbOutcome =
  | { verb: 'Gather'; digits: string; finishedOnKey: string }
  | { verb: 'Dial'; dialCallStatus: DialCallStatus; dialCallSid?: string; dialCallDuration?: number; callerHungUp: boolean }
  /** `digits`: the key that ended the recording, "hangup", or "" (silence, maxLength); `empty`: nothing was heard. */
  | { verb: 'Record'; recordingUrl: string; durationSeconds: number; digits: string; empty: boolean; callerHungUp: boolean }
  | { verb: 'Other' };

export type Next =
  | { kind: 'continue' }
  | { kind: 'fetch'; url: string; method: Method; params: Record<string, string>; ignoreResult: boolean }
  | { kind: 'end'; reason: 'hangup' | 'rejected' | 'busy' };

/** What Twilio does after a verb: go on to the next one, request a new document, or stop. */
export function afterVerb(verb: Verb, outcome: VerbOutcome, documentUrl: string): Next {
  switch (verb.verb) {
    case 'Gather': {
      if (outcome.verb !== 'Gather') return { kind: 'continue' };
      if (!outcome.digits && !verb.actionOnEmptyResult) return { kind: 'continue' };
      const params: Record<string, string> = { Digits: outcome.digits };
      if (outcome.finishedOnKey) params.FinishedOnKey = outcome.finishedOnKey;
      // Without an action Twilio posts the digits back to the document that holds the <Gather>.
      return { kind: 'fetch', url: verb.action ?? documentUrl, method: verb.method, params, ignoreResult: false };
    }
    case 'Dial': {
      if (!verb.action || outcome.verb !== 'Dial') {
        return outcome.verb === 'Dial' && outcome.callerHungUp ? { kind: 'end', reason: 'hangup' } : { kind: 'continue' };
      }
      return { kind: 'fetch', url: verb.action, method: verb.method, params: dialActionParams(outcome), ignoreResult: outcome.callerHungUp };
    }
    case 'Record': {
      // An empty recording is not posted: Twilio goes on with the verb after <Record>.
      if (outcome.verb !== 'Record' || outcome.empty) return { kind: 'continue' };
      const params: Record<string, string> = { RecordingUrl: outcome.recordingUrl, RecordingDuration: String(outcome.durationSeconds) };
      if (outcome.digits) params.Digits = outcome.digits;
      // Without an action Twilio requests the document again; a caller who hung up still gets it posted.
      return { kind: 'fetch', url: verb.action ?? documentUrl, method: verb.method, params, ignoreResult: outcome.callerHungUp };
    }
    case 'Redirect':
      return { kind: 'fetch', url: verb.url, method: verb.method, params: {}, ignoreResult: false };
    case 'Hangup':
      return { kind: 'end', reason: 'hangup' };
    case 'Reject':
      return { kind: 'end', reason: verb.reason === 'busy' ? 'busy' : 'rejected' };
    default:
      return { kind: 'continue' };
  }
}

export function dialActionParams(outcome: Extract<VerbOutcome, { verb: 'Dial' }>): Record<string, string> {
  const params: Record<string, string> = {
    DialCallStatus: outcome.dialCallStatus,
    DialBridged: String(outcome.dialCallStatus === 'completed' || outcome.dialCallStatus === 'answered'),
  };
  if (outcome.dialCallSid) params.DialCallSid = outcome.dialCallSid;
  if (outcome.dialCallDuration !== undefined) params.DialCallDuration = String(outcome.dialCallDuration);
  return params;
}

/** Whether Twilio answers the parent call before running this verb (everything but refusals and answerOnBridge). */
export function answersCall(verb: Verb): boolean {
  if (verb.verb === 'Reject' || verb.verb === 'Hangup' || verb.verb === 'Redirect' || verb.verb === 'Unsupported') return false;
  // A call joining a conference is answered: answerOnBridge is about ringing someone.
  if (verb.verb === 'Dial') return verb.conference !== undefined || !verb.answerOnBridge;
  return true;
}

export interface GatherState { digits: string }
export type GatherInput = { kind: 'digit'; digit: string } | { kind: 'timeout' };
export type GatherStep = { state: GatherState; done?: { digits: string; finishedOnKey: string } };

export function gatherStep(verb: Pick<GatherVerb, 'numDigits' | 'finishOnKey'>, state: GatherState, input: GatherInput): GatherStep {
  if (input.kind === 'timeout') return { state, done: { digits: state.digits, finishedOnKey: '' } };
  if (verb.finishOnKey && input.digit === verb.finishOnKey) {
    return { state, done: { digits: state.digits, finishedOnKey: input.digit } };
  }
  const digits = state.digits + input.digit;
  if (verb.numDigits !== undefined && digits.length >= verb.numDigits) {
    return { state: { digits }, done: { digits, finishedOnKey: '' } };
  }
  return { state: { digits } };
}

/**
 * <Dial> rings every target at once; a <Client> target rings each registration of its identity
 * (a "fork" of one child call). The first answer wins and every other fork is cancelled; a reject
 * ends that child call's forks; the dial fails once nothing is left ringing.
 */
export type ForkState = 'ringing' | 'answered' | 'rejected' | 'failed' | 'cancelled';
export interface Fork { id: string; child: string; state: ForkState }
export interface RaceState {
  forks: Fork[];
  result: null | { status: 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled'; winner?: Fork };
}
export type RaceEvent =
  | { kind: 'answer'; fork: string }
  | { kind: 'reject'; fork: string }
  | { kind: 'busy'; child: string }
  | { kind: 'fail'; fork: string }
  | { kind: 'timeout' }
  | { kind: 'caller-hangup' };
export interface RaceStep {
  state: RaceState;
  /** Forks to send `cancel` to (still ringing, lost the race or the dial ended). */
  cancel: Fork[];
  /** Forks that answered after the race was decided: they get `hangup`. */
  hangup: Fork[];
}

export function startRace(forks: { id: string; child: string }[]): RaceState {
  const state: RaceState = { forks: forks.map((f) => ({ ...f, state: 'ringing' })), result: null };
  return forks.length ? state : { ...state, result: { status: 'failed' } };
}

export function raceStep(prev: RaceState, event: RaceEvent): RaceStep {
  const forks = prev.forks.map((f) => ({ ...f }));
  const byId = (id: string) => forks.find((f) => f.id === id);
  const cancelRinging = (keep?: (f: Fork) => boolean): Fork[] => {
    const out: Fork[] = [];
    for (const f of forks) {
      if (f.state === 'ringing' && !(keep && keep(f))) { f.state = 'cancelled'; out.push({ ...f }); }
    }
    return out;
  };
  if (prev.result) {
    const late = event.kind === 'answer' ? byId(event.fork) : undefined;
    if (late && late.state === 'ringing') { late.state = 'cancelled'; return { state: { forks, result: prev.result }, cancel: [], hangup: [{ ...late }] }; }
    return { state: prev, cancel: [], hangup: [] };
  }
  let result: RaceState['result'] = null;
  let cancel: Fork[] = [];
  const settleIfIdle = (): void => {
    if (forks.some((f) => f.state === 'ringing')) return;
    result = { status: forks.some((f) => f.state === 'rejected') ? 'busy' : 'failed' };
  };
  switch (event.kind) {
    case 'answer': {
      const fork = byId(event.fork);
      if (!fork || fork.state !== 'ringing') break;
      fork.state = 'answered';
      result = { status: 'answered', winner: { ...fork } };
      cancel = cancelRinging();
      break;
    }
    case 'reject': {
      const fork = byId(event.fork);
      if (!fork || fork.state !== 'ringing') break;
      fork.state = 'rejected';
      cancel = cancelRinging((f) => f.child !== fork.child);
      settleIfIdle();
      break;
    }
    case 'busy': {
      for (const f of forks) if (f.child === event.child && f.state === 'ringing') f.state = 'rejected';
      settleIfIdle();
      break;
    }
    case 'fail': {
      const fork = byId(event.fork);
      if (!fork || fork.state !== 'ringing') break;
      fork.state = 'failed';
      settleIfIdle();
      break;
    }
    case 'timeout':
      cancel = cancelRinging();
      result = { status: 'no-answer' };
      break;
    case 'caller-hangup':
      cancel = cancelRinging();
      result = { status: 'canceled' };
      break;
  }
  return { state: { forks, result }, cancel, hangup: [] };
}

/** The DialCallStatus Twilio reports once a dial is over. */
export function dialCallStatus(result: NonNullable<RaceState['result']>, bridged: boolean): DialCallStatus {
  if (result.status === 'answered') return bridged ? 'completed' : 'answered';
  return result.status;
}

export function dialTimeoutMs(verb: DialVerb): number {
  return verb.timeout * 1000;
}
