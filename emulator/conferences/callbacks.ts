/** The form parameters of a conference status callback, as Twilio documents them (pure). */
import type { ConferenceEventName, Seat } from './state';

export interface ConferenceFacts {
  sid: string;
  friendlyName: string;
  accountSid: string;
}

const bool = (b: boolean) => (b ? 'true' : 'false');

export function conferenceCallbackParams(
  conference: ConferenceFacts,
  event: ConferenceEventName,
  extra: { sequence: number; timestamp: Date; seat?: Seat; params?: Record<string, string> },
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: conference.accountSid,
    ConferenceSid: conference.sid,
    FriendlyName: conference.friendlyName,
    SequenceNumber: String(extra.sequence),
    StatusCallbackEvent: event,
    Timestamp: extra.timestamp.toUTCString().replace('GMT', '+0000'),
  };
  const seat = extra.seat;
  if (seat) {
    params.CallSid = seat.callSid;
    params.Muted = bool(seat.muted);
    params.Hold = bool(seat.hold);
    params.Coaching = bool(seat.coaching);
    params.EndConferenceOnExit = bool(seat.endConferenceOnExit);
    params.StartConferenceOnEnter = bool(seat.startConferenceOnEnter);
    if (seat.label !== null) params.ParticipantLabel = seat.label;
    if (seat.coaching && seat.callSidToCoach) params.CallSidToCoach = seat.callSidToCoach;
  }
  return { ...params, ...extra.params };
}
