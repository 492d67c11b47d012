/**
 * Twilio's callbacks as facts about a call (pure). Each webhook or REST record becomes one small,
 * normalised fact with a key that is the same when Twilio sends the same callback again, so storing
 * facts by key makes retries and duplicates harmless; fold.ts turns the set of facts of one call into
 * its history record. Every value is bounded text or a parsed number, whatever the request carried.
 */
import { createHash } from 'node:crypto';

/** What /handle_calls decided (voice/decide.ts), as far as the history cares. */
export type VoiceDecisionKind = 'dial-number' | 'dial-emergency' | 'dial-client' | 'ring-group' | 'nobody-available' | 'refuse';

interface Common {
  /** The history record this fact belongs to: the parent leg's CallSid. */
  call: string;
  /** When it happened (ISO 8601): Twilio's Timestamp, or when the server received it. */
  at: string;
  from: string;
  to: string;
}

export type CallFact =
  /** /handle_calls: the call reached the app; `target` is where it was sent (E.164 or client:<user>). */
  | (Common & { kind: 'voice'; decision: VoiceDecisionKind; target: string | null })
  /** A status callback of the parent leg or of a dialled leg. */
  | (Common & { kind: 'status'; leg: string; status: string; seq: number | null; duration: number | null; sip: number | null })
  /** The <Dial> action: how the dial ended. */
  | (Common & { kind: 'dial'; dialLeg: string | null; dialStatus: string; dialDuration: number | null })
  /** A <Record> recording status callback: a voicemail left (completed, with a length) or not (absent). */
  | (Common & { kind: 'recording'; recording: string; status: string; duration: number | null })
  /**
   * Call control: a transfer handed the call on (`leg` is the target's). `user` is the colleague who took
   * it, '' when it went to a number (`number`); `by` is who transferred it (absent in older facts).
   */
  | (Common & { kind: 'handover'; user: string; leg: string; number?: string; by?: string })
  /**
   * A conference status callback of a call moved into a conference: `party` (client:<user> or a number)
   * joined or left, or the conference ended. `seq` is Twilio's SequenceNumber within the conference.
   */
  | (Common & { kind: 'conference'; conference: string; event: ConferenceEvent; leg: string; party: string; seq: number | null })
  /** One leg as Twilio's REST Calls list shows it (healing). */
  | (Common & { kind: 'rest'; leg: string; status: string; startedAt: string | null; endedAt: string | null; duration: number | null });

export type ConferenceEvent = 'join' | 'leave' | 'end';

export type Params = Readonly<Record<string, string | undefined>>;

const MAX_TEXT = 200;
const SID = /^[A-Za-z0-9]{1,64}$/;

// PostgreSQL cannot store NUL in text or jsonb; Twilio never sends it, a forged or broken request might.
const text = (v: string | undefined): string => (v ?? '').replaceAll('\u0000', '').trim().slice(0, MAX_TEXT);

export function count(v: string | undefined): number | null {
  return v !== undefined && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : null;
}

/** RFC 2822 (Twilio's Timestamp) or ISO 8601, within a sane range; otherwise undefined. */
export function parseTime(v: string | undefined): Date | undefined {
  if (v === undefined || v.length > 64) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2200, 0, 1)) return undefined;
  return new Date(ms);
}

export function isCallSid(v: string | undefined): v is string {
  return v !== undefined && SID.test(v);
}

function common(params: Params, receivedAt: Date, time?: string): Omit<Common, 'call'> {
  return { at: (parseTime(time) ?? receivedAt).toISOString(), from: text(params.From), to: text(params.To) };
}

export function voiceFact(params: Params, decision: VoiceDecisionKind, target: string | null, receivedAt: Date): CallFact | undefined {
  if (!isCallSid(params.CallSid)) return undefined;
  return { kind: 'voice', call: params.CallSid, ...common(params, receivedAt), decision, target: target === null ? null : text(target) };
}

export function statusFact(params: Params, receivedAt: Date): CallFact | undefined {
  if (!isCallSid(params.CallSid)) return undefined;
  const parent = isCallSid(params.ParentCallSid) ? params.ParentCallSid : undefined;
  return {
    kind: 'status',
    call: parent ?? params.CallSid,
    leg: params.CallSid,
    ...common(params, receivedAt, params.Timestamp),
    status: text(params.CallStatus).toLowerCase(),
    seq: count(params.SequenceNumber),
    duration: count(params.CallDuration),
    sip: count(params.SipResponseCode),
  };
}

export function dialFact(params: Params, receivedAt: Date): CallFact | undefined {
  if (!isCallSid(params.CallSid)) return undefined;
  return {
    kind: 'dial',
    call: params.CallSid,
    ...common(params, receivedAt),
    dialLeg: isCallSid(params.DialCallSid) ? params.DialCallSid : null,
    dialStatus: text(params.DialCallStatus).toLowerCase(),
    dialDuration: count(params.DialCallDuration),
  };
}

/** A recording status callback; the parameters carry no From or To, the call's other facts have them. */
export function recordingFact(params: Params, receivedAt: Date): Extract<CallFact, { kind: 'recording' }> | undefined {
  if (!isCallSid(params.CallSid) || !isCallSid(params.RecordingSid)) return undefined;
  return {
    kind: 'recording',
    call: params.CallSid,
    at: (parseTime(params.RecordingStartTime) ?? receivedAt).toISOString(),
    from: '',
    to: '',
    recording: params.RecordingSid,
    status: text(params.RecordingStatus).toLowerCase(),
    duration: count(params.RecordingDuration),
  };
}

/** A message worth keeping: Twilio finished it and it lasts at least a second (zero-length is nothing said). */
export function isMessage(fact: Extract<CallFact, { kind: 'recording' }>): boolean {
  return fact.status === 'completed' && fact.duration !== null && fact.duration > 0;
}

/** What healing reads of a call in Twilio's REST Calls list. */
export interface RestCall {
  sid: string;
  parentCallSid: string | null;
  from: string;
  to: string;
  status: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: string | number | null;
}

export function restFact(call: RestCall, listedAt: Date): CallFact | undefined {
  if (!isCallSid(call.sid)) return undefined;
  const started = call.startTime && !Number.isNaN(call.startTime.getTime()) ? call.startTime : null;
  const ended = call.endTime && !Number.isNaN(call.endTime.getTime()) ? call.endTime : null;
  return {
    kind: 'rest',
    call: isCallSid(call.parentCallSid ?? undefined) ? call.parentCallSid! : call.sid,
    leg: call.sid,
    at: (ended ?? started ?? listedAt).toISOString(),
    from: text(call.from),
    to: text(call.to),
    status: text(call.status).toLowerCase(),
    startedAt: started?.toISOString() ?? null,
    endedAt: ended?.toISOString() ?? null,
    duration: count(call.duration === null ? undefined : String(call.duration)),
  };
}

export function handoverFact(
  callSid: string,
  target: { kind: 'user' | 'phone'; name: string },
  leg: string,
  at: Date,
  by?: string,
): CallFact | undefined {
  if (!isCallSid(callSid) || !isCallSid(leg)) return undefined;
  const to = target.kind === 'user' ? { user: text(target.name) } : { user: '', number: text(target.name) };
  return { kind: 'handover', call: callSid, at: at.toISOString(), from: '', to: '', ...to, leg, ...(by === undefined ? {} : { by: text(by) }) };
}

const CONFERENCE_EVENTS: Record<string, ConferenceEvent> = { 'participant-join': 'join', 'participant-leave': 'leave', 'conference-end': 'end' };

/**
 * A conference status callback as a fact of the call (`callSid`, the parent leg) it belongs to; `party` is
 * who the leg is, as the call's state names them. Only joins, leaves and the end matter to the history.
 */
export function conferenceFact(callSid: string, params: Params, party: string, receivedAt: Date): CallFact | undefined {
  const event = CONFERENCE_EVENTS[params.StatusCallbackEvent ?? ''];
  if (!isCallSid(callSid) || event === undefined || !isCallSid(params.ConferenceSid)) return undefined;
  const leg = event === 'end' ? '' : params.CallSid;
  if (leg !== '' && !isCallSid(leg)) return undefined;
  return {
    kind: 'conference',
    call: callSid,
    ...common({}, receivedAt, params.Timestamp),
    conference: params.ConferenceSid,
    event,
    leg: leg ?? '',
    party: event === 'end' ? '' : text(party),
    seq: count(params.SequenceNumber),
  };
}

/**
 * What identifies a conference callback: Twilio numbers them per conference, so a retry is the same one.
 * A conference ends once: its end healed from the REST resource (no SequenceNumber there) and the real
 * callback arriving later are one fact, so whichever comes second changes nothing.
 */
function identity(fact: CallFact): object {
  if (fact.kind === 'conference' && fact.event === 'end') return { conference: fact.conference, event: fact.event };
  if (fact.kind === 'conference' && fact.seq !== null) return { conference: fact.conference, event: fact.event, leg: fact.leg, seq: fact.seq };
  if (fact.kind === 'conference') return { conference: fact.conference, event: fact.event, leg: fact.leg, at: fact.at };
  return fact;
}

/**
 * The same callback sent again has the same key: the leg it is about and a digest of everything it says
 * (for a conference callback: its conference, leg, event and SequenceNumber; for its end, the conference
 * alone). A fact that differs in anything else (another status, another Timestamp) is another fact, and
 * fold.ts decides between them by rules, never by arrival order; an exact repeat (Twilio's retry) is
 * stored once.
 */
export function factKey(fact: CallFact): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(identity(fact)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  const leg =
    fact.kind === 'status' || fact.kind === 'rest' || fact.kind === 'handover' ? fact.leg
    : fact.kind === 'recording' ? fact.recording
    : fact.kind === 'conference' ? fact.conference
    : fact.call;
  return `${fact.kind}:${leg}:${createHash('sha256').update(canonical).digest('base64url').slice(0, 22)}`;
}
