/**
 * The pure rules of text messages: how delivery callbacks fold into one state (in any order, any number
 * of times), which inbound words opt a number out or back in, and what a sent message may be.
 */
import type { MessageStatus } from '../../contracts/api/messages';

/**
 * How far along each state is. Callbacks can arrive out of order, so a message only ever moves forward;
 * the final states outrank everything before them, and a confirmed delivery outranks a failure report
 * (a carrier that confirms after a timeout report has delivered after all).
 */
const RANK: Record<MessageStatus, number> = {
  queued: 1,
  sending: 2,
  sent: 3,
  undelivered: 4,
  failed: 4,
  delivered: 5,
  received: 5,
};

export function isMessageStatus(value: string): value is MessageStatus {
  return Object.hasOwn(RANK, value);
}

export interface StatusFact {
  status: MessageStatus;
  errorCode: number | null;
}

/** The state a message is in after these facts; ties keep the first state's error code. */
export function foldStatus(start: StatusFact, facts: readonly StatusFact[]): StatusFact {
  let current = start;
  for (const fact of facts) {
    const ahead = RANK[fact.status] > RANK[current.status];
    // Two final failures that disagree: the one with a code says more.
    const sameButCoded = RANK[fact.status] === RANK[current.status] && current.errorCode === null && fact.errorCode !== null;
    if (ahead || sameButCoded) current = { status: fact.status, errorCode: fact.status === 'delivered' ? null : fact.errorCode };
  }
  return current;
}

/** An error code from a callback's ErrorCode field, or null. */
export function parseErrorCode(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,6}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/**
 * Carrier-standard opt-out and opt-in keywords (Twilio's defaults): the whole body, any case, trimmed.
 * Twilio itself then refuses to send (21610) until the number opts back in.
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);

export function optChange(body: string): 'out' | 'in' | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'out';
  if (OPT_IN.has(word)) return 'in';
  return null;
}

/** Twilio's codes for a refusal that means the recipient opted out. */
export const OPTED_OUT_CODE = 21610;

/** What a conversation list shows for a message: its text, or that it carried pictures only. */
export function preview(body: string, mediaCount: number): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text !== '') return text.slice(0, 200);
  return mediaCount > 0 ? `(${mediaCount} ${mediaCount === 1 ? 'picture' : 'pictures'})` : '';
}
