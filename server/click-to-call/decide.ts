/**
 * The pure decisions of "Call via my phone": the TwiML the user's phone runs (a <Gather> for one key, so a
 * voicemail box that answers never gets the customer; then a <Dial> of the destination with the team
 * number as caller ID), the URLs Twilio is given (the user and destination ride in their signed query),
 * and what a leg's status callback means for the person watching.
 */
import twilio from 'twilio';
import type { ClickToCallProgress, ClickToCallStage } from '../../contracts/api/click-to-call';
import { checkDestination, type DialPolicy } from '../voice/destination';

export const PROMPT = 'Press 1 to place your call.';
export const NO_KEY = 'No key was pressed. Goodbye.';
export const DESTINATION_REFUSED = 'Sorry, that number cannot be called from this phone. Goodbye.';
/** Seconds to wait for the key after the prompt. */
const GATHER_SECONDS = 8;

export interface Leg {
  user: string;
  /** The destination. */
  to: string;
  /** The user's phone. */
  via: string;
}

const query = (leg: Leg, extra: Record<string, string> = {}) => new URLSearchParams({ user: leg.user, to: leg.to, via: leg.via, ...extra }).toString();

export function clickToCallUrls(base: string, leg: Leg) {
  return {
    answer: `${base}/handle_calls/click-to-call?${query(leg)}`,
    connect: `${base}/handle_calls/click-to-call/connect?${query(leg)}`,
    status: (which: 'mobile' | 'destination') => `${base}/handle_calls/click-to-call/status?${query(leg, { leg: which })}`,
  };
}

/** The user answered their phone: one key; no key (a voicemail box that answered) hangs up. */
export function renderAnswer(base: string, leg: Leg): string {
  const r = new twilio.twiml.VoiceResponse();
  const gather = r.gather({ numDigits: 1, timeout: GATHER_SECONDS, action: clickToCallUrls(base, leg).connect, method: 'POST' });
  gather.say(PROMPT);
  r.say(NO_KEY);
  r.hangup();
  return r.toString();
}

export type ConnectDecision = { kind: 'dial'; number: string } | { kind: 'no-key' } | { kind: 'refused' };

/** After the <Gather>: 1 dials the destination, if it is still one calls may go to (the rules may have changed). */
export function decideConnect(digits: string | undefined, to: string, policy: DialPolicy): ConnectDecision {
  if (digits !== '1') return { kind: 'no-key' };
  const destination = checkDestination(to, policy);
  return destination.ok ? { kind: 'dial', number: destination.e164 } : { kind: 'refused' };
}

export function renderConnect(decision: ConnectDecision, base: string, leg: Leg, teamNumber: string): string {
  const r = new twilio.twiml.VoiceResponse();
  if (decision.kind === 'dial') {
    const dial = r.dial({ callerId: teamNumber, answerOnBridge: true });
    dial.number({ statusCallback: clickToCallUrls(base, leg).status('destination'), statusCallbackEvent: ['ringing', 'answered', 'completed'], statusCallbackMethod: 'POST' }, decision.number);
    return r.toString();
  }
  r.say(decision.kind === 'no-key' ? NO_KEY : DESTINATION_REFUSED);
  r.hangup();
  return r.toString();
}

const ENDED = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/**
 * What a leg's status means: the user's phone ringing or answered, the destination ringing or answered,
 * the end (the user's leg ending ends it all). Null: nothing new to show.
 */
export function stageOf(leg: 'mobile' | 'destination', callStatus: string): { stage: ClickToCallStage; reason: string | null } | null {
  if (leg === 'mobile') {
    if (callStatus === 'queued' || callStatus === 'initiated' || callStatus === 'ringing') return { stage: 'calling-you', reason: null };
    if (callStatus === 'in-progress') return { stage: 'press-1', reason: null };
    if (ENDED.has(callStatus)) return { stage: 'ended', reason: callStatus };
    return null;
  }
  if (callStatus === 'initiated' || callStatus === 'ringing') return { stage: 'calling-destination', reason: null };
  if (callStatus === 'in-progress' || callStatus === 'answered') return { stage: 'connected', reason: null };
  // The destination not answering leaves the user's leg to end the call; its status says why.
  return null;
}

export function progressOf(callSid: string, leg: Leg, stage: ClickToCallStage, reason: string | null = null): ClickToCallProgress {
  return { callSid, to: leg.to, via: leg.via, stage, reason };
}
