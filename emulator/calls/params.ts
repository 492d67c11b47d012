/** The form parameters Twilio sends with voice webhooks and status callbacks (pure). */
import type { Call } from './call';

export const API_VERSION = '2010-04-01';

/** Parameters the SDK's custom params may not override. */
const RESERVED = new Set(['AccountSid', 'ApiVersion', 'ApplicationSid', 'CallSid', 'CallStatus', 'Direction', 'From', 'Caller', 'ParentCallSid']);

export interface CallFacts {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  status: string;
  direction: string;
  parentSid: string | null;
  applicationSid: string | null;
}

export function callFacts(call: Call): CallFacts {
  return {
    sid: call.sid, accountSid: call.accountSid, from: call.from, to: call.to, status: call.status,
    direction: call.direction, parentSid: call.parentSid, applicationSid: call.applicationSid,
  };
}

export function voiceParams(call: CallFacts, custom: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: call.accountSid,
    ApiVersion: API_VERSION,
    CallSid: call.sid,
    CallStatus: call.status,
    Called: call.to,
    Caller: call.from,
    Direction: call.direction,
    From: call.from,
    To: call.to,
  };
  if (call.applicationSid) params.ApplicationSid = call.applicationSid;
  if (call.parentSid) params.ParentCallSid = call.parentSid;
  for (const [k, v] of Object.entries(custom)) {
    if (RESERVED.has(k)) continue;
    params[k] = v;
    // A client's "To" is the number or identity it asked for; Twilio reports it as Called too.
    if (k === 'To') params.Called = v;
  }
  return params;
}

export function statusCallbackParams(
  call: CallFacts,
  extra: { duration: number | null; sequence: number; timestamp: Date },
): Record<string, string> {
  const params = voiceParams(call);
  params.CallbackSource = 'call-progress-events';
  params.SequenceNumber = String(extra.sequence);
  params.Timestamp = extra.timestamp.toUTCString().replace('GMT', '+0000');
  if (extra.duration !== null) {
    params.CallDuration = String(extra.duration);
    params.Duration = String(Math.ceil(extra.duration / 60));
  }
  return params;
}

/** Splits the SDK's `twilio.params` query string into webhook parameters. */
export function parseSdkParams(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) out[k] = v;
  return out;
}
