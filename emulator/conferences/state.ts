/**
 * A conference's rules as pure functions, as Twilio documents them: when it starts (two participants
 * in the room, one of them with startConferenceOnEnter) and ends (an endConferenceOnExit participant
 * leaves, or the last one does, or the API ends it), who is seated (maxParticipants, unique labels),
 * which status callbacks follow each change and in what order, and who hears whom.
 *
 * The runtime (./conference.ts) feeds inputs in and carries out the effects (callbacks, beeps, taking
 * participants out); nothing here does I/O.
 */

export type ConferenceStatus = 'init' | 'in-progress' | 'completed';

/** What a status callback reports, in Twilio's StatusCallbackEvent values. */
export type ConferenceEventName =
  | 'conference-start' | 'conference-end'
  | 'participant-join' | 'participant-leave'
  | 'participant-mute' | 'participant-unmute'
  | 'participant-hold' | 'participant-unhold'
  | 'participant-modify'
  | 'participant-speech-start' | 'participant-speech-stop'
  | 'announcement-end' | 'announcement-fail';

/** The statusCallbackEvent keywords a conference subscribes to. */
export type EventSubscription = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement';
export const EVENT_SUBSCRIPTIONS: readonly EventSubscription[] = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'];

export function subscriptionOf(event: ConferenceEventName): EventSubscription {
  if (event === 'conference-start') return 'start';
  if (event === 'conference-end') return 'end';
  if (event.startsWith('announcement-')) return 'announcement';
  if (event.startsWith('participant-speech-')) return 'speaker';
  const what = event.slice('participant-'.length);
  return (what === 'unmute' ? 'mute' : what === 'unhold' ? 'hold' : what) as EventSubscription;
}

export type ReasonConferenceEnded =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-kicked'
  | 'last-participant-left';

export type ReasonParticipantLeft =
  | 'conference_ended_via_api'
  | 'moderator_ended_conference'
  | 'participant_updated_via_api'
  | 'participant_hung_up'
  | 'participant_add_failed';

/** A participant as the rules see it. */
export interface Seat {
  callSid: string;
  label: string | null;
  /** In the room (answered and joined), rather than still being dialed by the Participants API. */
  joined: boolean;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  beepOnEnter: boolean;
  beepOnExit: boolean;
}

export interface ConferenceState {
  status: ConferenceStatus;
  /** Present participants, in the order they came. */
  seats: Seat[];
  maxParticipants: number;
  ended: null | { reason: ReasonConferenceEnded; callSid: string | null; label: string | null };
}

/**
 * Why a participant leaves: its call ended (hangup), the API removed it (kicked) or gave its call new
 * TwiML (redirected), its <Dial> ended by itself (hangupOnStar, timeLimit), or its call was never
 * answered (add-failed).
 */
export type LeaveCause = 'hangup' | 'kicked' | 'redirected' | 'dial-ended' | 'add-failed';

export type SeatChanges = Partial<Pick<Seat, 'muted' | 'hold' | 'coaching' | 'callSidToCoach' | 'endConferenceOnExit' | 'beepOnExit'>> & {
  /** The participant's waitUrl changed (reported as participant-modify). */
  waitUrl?: boolean;
};

export type ConferenceInput =
  /** The Participants API dials someone: their seat is taken while the call rings. */
  | { kind: 'seat'; seat: Seat }
  /** A participant enters the room: TwiML <Dial><Conference>, or an answered API participant. */
  | { kind: 'join'; seat: Seat }
  | { kind: 'leave'; callSid: string; cause: LeaveCause; callStatus: string }
  | { kind: 'update'; callSid: string; changes: SeatChanges }
  /** POST Conferences/{Sid} Status=completed. */
  | { kind: 'end' };

export type ConferenceEffect =
  /** A status callback (sent if subscribed). `seat` is the participant as it is after the change. */
  | { kind: 'event'; name: ConferenceEventName; seat?: Seat; params?: Record<string, string> }
  | { kind: 'beep'; sound: 'enter' | 'exit' }
  /** The conference ended under this participant: its <Dial> completes (an API participant hangs up). */
  | { kind: 'release'; callSid: string };

export interface ConferenceStep {
  state: ConferenceState;
  effects: ConferenceEffect[];
  /** Why the input was refused (nothing changed). */
  refused?: { code: number; message: string };
}

export function newConferenceState(maxParticipants = 250): ConferenceState {
  return { status: 'init', seats: [], maxParticipants, ended: null };
}

const LEFT_REASON: Record<LeaveCause, ReasonParticipantLeft> = {
  hangup: 'participant_hung_up',
  'dial-ended': 'participant_hung_up',
  kicked: 'participant_updated_via_api',
  redirected: 'participant_updated_via_api',
  'add-failed': 'participant_add_failed',
};

const ENDED_TEXT: Record<ReasonConferenceEnded, string> = {
  'conference-ended-via-api': 'Conference ended via API',
  'participant-with-end-conference-on-exit-left': 'Participant with endConferenceOnExit left the conference',
  'participant-with-end-conference-on-exit-kicked': 'Participant with endConferenceOnExit was removed from the conference',
  'last-participant-left': 'Last participant left the conference',
  'last-participant-kicked': 'Last participant was removed from the conference',
};

function refuse(state: ConferenceState, code: number, message: string): ConferenceStep {
  return { state, effects: [], refused: { code, message } };
}

/** Why a new participant with this label cannot take a seat (the conference is over or full, the label taken), or null. */
export function seatRefusal(state: ConferenceState, label: string | null): { code: number; message: string } | null {
  if (state.status === 'completed') return { code: 21220, message: 'The conference has ended' };
  if (state.seats.length >= state.maxParticipants) {
    return { code: 21220, message: `The conference is full (maxParticipants ${state.maxParticipants})` };
  }
  if (label !== null && state.seats.some((s) => s.label === label)) {
    return { code: 16025, message: `A participant with the label "${label}" is already in the conference` };
  }
  return null;
}

function endConference(
  seats: Seat[],
  base: ConferenceState,
  reason: ReasonConferenceEnded,
  by: Seat | null,
  effects: ConferenceEffect[],
): ConferenceState {
  const why: ReasonParticipantLeft = reason === 'conference-ended-via-api' ? 'conference_ended_via_api' : 'moderator_ended_conference';
  for (const seat of seats) {
    effects.push({ kind: 'release', callSid: seat.callSid });
    effects.push({
      kind: 'event', name: 'participant-leave', seat,
      params: { ParticipantCallStatus: seat.joined ? 'in-progress' : 'canceled', ReasonParticipantLeft: why },
    });
  }
  const params: Record<string, string> = { ReasonConferenceEnded: reason, Reason: ENDED_TEXT[reason] };
  if (by) {
    params.CallSidEndingConference = by.callSid;
    if (by.label !== null) params.ParticipantLabelEndingConference = by.label;
  }
  effects.push({ kind: 'event', name: 'conference-end', params });
  return { ...base, status: 'completed', seats: [], ended: { reason, callSid: by?.callSid ?? null, label: by?.label ?? null } };
}

export function conferenceStep(state: ConferenceState, input: ConferenceInput): ConferenceStep {
  if (state.status === 'completed') {
    return input.kind === 'seat' || input.kind === 'join' ? refuse(state, 21220, 'The conference has ended') : { state, effects: [] };
  }
  const effects: ConferenceEffect[] = [];
  switch (input.kind) {
    case 'seat': {
      const refusal = seatRefusal(state, input.seat.label);
      if (refusal) return refuse(state, refusal.code, refusal.message);
      return { state: { ...state, seats: [...state.seats, { ...input.seat, joined: false }] }, effects };
    }
    case 'join': {
      const existing = state.seats.find((s) => s.callSid === input.seat.callSid);
      if (existing?.joined) return { state, effects };
      if (!existing) {
        const refusal = seatRefusal(state, input.seat.label);
        if (refusal) return refuse(state, refusal.code, refusal.message);
      }
      const seat: Seat = { ...(existing ?? input.seat), joined: true };
      const seats = existing ? state.seats.map((s) => (s === existing ? seat : s)) : [...state.seats, seat];
      let status = state.status;
      effects.push({ kind: 'event', name: 'participant-join', seat });
      const inRoom = seats.filter((s) => s.joined);
      if (status === 'init' && inRoom.length >= 2 && inRoom.some((s) => s.startConferenceOnEnter)) {
        status = 'in-progress';
        effects.push({ kind: 'event', name: 'conference-start' });
      }
      if (status === 'in-progress' && seat.beepOnEnter) effects.push({ kind: 'beep', sound: 'enter' });
      return { state: { ...state, status, seats }, effects };
    }
    case 'leave': {
      const seat = state.seats.find((s) => s.callSid === input.callSid);
      if (!seat) return { state, effects };
      const seats = state.seats.filter((s) => s !== seat);
      effects.push({
        kind: 'event', name: 'participant-leave', seat,
        params: { ParticipantCallStatus: input.callStatus, ReasonParticipantLeft: LEFT_REASON[input.cause] },
      });
      const kicked = input.cause === 'kicked';
      if (seat.joined && seat.endConferenceOnExit) {
        const reason = kicked ? 'participant-with-end-conference-on-exit-kicked' : 'participant-with-end-conference-on-exit-left';
        return { state: endConference(seats, state, reason, seat, effects), effects };
      }
      // The last one in the room has gone: participants still being dialed have nobody to join.
      if (seats.length === 0 || (seat.joined && !seats.some((s) => s.joined))) {
        return { state: endConference(seats, state, kicked ? 'last-participant-kicked' : 'last-participant-left', seat, effects), effects };
      }
      if (seat.joined && seat.beepOnExit && state.status === 'in-progress' && seats.some((s) => s.joined)) {
        effects.push({ kind: 'beep', sound: 'exit' });
      }
      return { state: { ...state, seats }, effects };
    }
    case 'update': {
      const seat = state.seats.find((s) => s.callSid === input.callSid);
      if (!seat) return refuse(state, 20404, `No participant ${input.callSid} in this conference`);
      const { waitUrl, ...changes } = input.changes;
      const next: Seat = { ...seat, ...changes };
      const seats = state.seats.map((s) => (s === seat ? next : s));
      if (next.muted !== seat.muted) effects.push({ kind: 'event', name: next.muted ? 'participant-mute' : 'participant-unmute', seat: next });
      if (next.hold !== seat.hold) effects.push({ kind: 'event', name: next.hold ? 'participant-hold' : 'participant-unhold', seat: next });
      const modified = waitUrl === true || next.endConferenceOnExit !== seat.endConferenceOnExit || next.beepOnExit !== seat.beepOnExit
        || next.coaching !== seat.coaching || next.callSidToCoach !== seat.callSidToCoach;
      if (modified) effects.push({ kind: 'event', name: 'participant-modify', seat: next });
      return { state: { ...state, seats }, effects };
    }
    case 'end':
      return { state: endConference(state.seats, state, 'conference-ended-via-api', null, effects), effects };
  }
}

/** What a participant hears: the room, its hold music, the wait music (before the start), or nothing yet (ringing). */
export type Hearing = 'room' | 'hold' | 'wait' | 'nothing';

export function hearingOf(status: ConferenceStatus, seat: Seat): Hearing {
  if (!seat.joined || status === 'completed') return 'nothing';
  if (seat.hold) return 'hold';
  if (status !== 'in-progress') return 'wait';
  return 'room';
}

/** Who hears a participant's voice: everyone else, only the participant it coaches, or nobody (muted, held, waiting). */
export type VoiceReach = { to: 'everyone' } | { to: 'one'; callSid: string } | { to: 'nobody' };

export function voiceReach(status: ConferenceStatus, seat: Seat): VoiceReach {
  if (!seat.joined || seat.hold || seat.muted || status !== 'in-progress') return { to: 'nobody' };
  if (seat.coaching && seat.callSidToCoach) return { to: 'one', callSid: seat.callSidToCoach };
  return { to: 'everyone' };
}

export type ParticipantStatus = 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';

/** The Participant resource's status, from its call's status and whether it is in the room. */
export function participantStatus(callStatus: string, joined: boolean): ParticipantStatus {
  if (joined && callStatus === 'in-progress') return 'connected';
  switch (callStatus) {
    case 'queued': return 'queued';
    case 'initiated': case 'in-progress': return 'connecting';
    case 'ringing': return 'ringing';
    case 'completed': return 'complete';
    default: return 'failed';
  }
}
