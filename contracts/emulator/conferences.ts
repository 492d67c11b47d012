/**
 * Conferences as the console and tests see them: GET /conferences, GET /conferences/:sid, and what a
 * person does from the console (add a phone or a client, hold, mute, remove, end). The application
 * itself uses the REST Conferences and Participants resources, as it would at Twilio.
 */
import { Type, type Static } from 'typebox';
import { CallEndpointView, ToneView } from './calls';
import { ControlError, Nullable } from './common';

export const ConferenceStatus = Type.Union([Type.Literal('init'), Type.Literal('in-progress'), Type.Literal('completed')]);
export type ConferenceStatus = Static<typeof ConferenceStatus>;

/** The Participant resource's status. */
export const ParticipantStatus = Type.Union([
  Type.Literal('queued'), Type.Literal('connecting'), Type.Literal('ringing'), Type.Literal('connected'),
  Type.Literal('complete'), Type.Literal('failed'),
]);
export type ParticipantStatus = Static<typeof ParticipantStatus>;

/** What a participant hears: the room, its hold music, the wait music (before the start), or nothing yet (ringing). */
export const Hearing = Type.Union([Type.Literal('room'), Type.Literal('hold'), Type.Literal('wait'), Type.Literal('nothing')]);
export type Hearing = Static<typeof Hearing>;

export const ConferenceParticipantView = Type.Object({
  callSid: Type.String(),
  label: Nullable(Type.String()),
  status: ParticipantStatus,
  /** How it came in: its call's TwiML (<Dial><Conference>) or the Participants API. */
  source: Type.Union([Type.Literal('twiml'), Type.Literal('api')]),
  from: Type.String(),
  to: Type.String(),
  endpoint: CallEndpointView,
  muted: Type.Boolean(),
  hold: Type.Boolean(),
  coaching: Type.Boolean(),
  callSidToCoach: Nullable(Type.String()),
  startConferenceOnEnter: Type.Boolean(),
  endConferenceOnExit: Type.Boolean(),
  hearing: Hearing,
  /** Whether anyone hears this participant now (not muted, held, waiting or ringing). */
  heard: Type.Boolean(),
  /** Speaking now (its voice above -45 dBFS, with hangover), and its level over the last 250 ms. */
  speaking: Type.Boolean(),
  levelDbfs: Type.Number(),
  /** Tones in what this participant hears, loudest first: who it hears, when parties have distinct tones. */
  hears: Type.Array(ToneView),
  joinedAt: Nullable(Type.String()),
});
export type ConferenceParticipantView = Static<typeof ConferenceParticipantView>;

export const ConferenceView = Type.Object({
  sid: Type.String(),
  friendlyName: Type.String(),
  status: ConferenceStatus,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  endedAt: Nullable(Type.String()),
  /** Twilio's ReasonConferenceEnded, and the CallSid that ended it. */
  reasonEnded: Nullable(Type.String()),
  endedByCallSid: Nullable(Type.String()),
  participants: Type.Array(ConferenceParticipantView),
  /** Frames the mixer has mixed (50 a second while anyone is in). */
  mixedFrames: Type.Integer(),
  /** What happened: joins, leaves, holds, status callbacks and their results; oldest first. */
  events: Type.Array(Type.Object({ at: Type.String(), text: Type.String() })),
});
export type ConferenceView = Static<typeof ConferenceView>;

export const ConferenceParams = Type.Object({ sid: Type.String() });
export type ConferenceParams = Static<typeof ConferenceParams>;
export const ConferenceParticipantParams = Type.Object({ sid: Type.String(), callSid: Type.String() });
export type ConferenceParticipantParams = Static<typeof ConferenceParticipantParams>;

/**
 * POST /conferences/participants: dial a phone number or `client:identity` into a conference, as the
 * Participants API does. `conference` is a SID or a friendly name (a new conference for a new name).
 */
export const AddParticipant = Type.Object({
  conference: Type.String({ minLength: 1, errorMessage: 'conference (a SID or a name) is required' }),
  to: Type.String({ minLength: 1, errorMessage: 'to (a phone number or client:identity) is required' }),
  /** The caller ID; the account's first number when left out. */
  from: Type.Optional(Type.String({ errorMessage: 'from must be a string' })),
  label: Type.Optional(Type.String({ errorMessage: 'label must be a string' })),
  muted: Type.Optional(Type.Boolean({ errorMessage: 'muted must be true or false' })),
  startConferenceOnEnter: Type.Optional(Type.Boolean({ errorMessage: 'startConferenceOnEnter must be true or false' })),
  endConferenceOnExit: Type.Optional(Type.Boolean({ errorMessage: 'endConferenceOnExit must be true or false' })),
  beep: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('onEnter'), Type.Literal('onExit')], { errorMessage: 'beep must be true, false, onEnter or onExit' })),
}, { errorMessage: 'Body must be a participant object' });
export type AddParticipant = Static<typeof AddParticipant>;
export const AddParticipantResult = Type.Object({ conferenceSid: Type.String(), callSid: Type.String() });
export type AddParticipantResult = Static<typeof AddParticipantResult>;

/** POST /conferences/:sid/participants/:callSid: hold or resume, mute or unmute. */
export const UpdateParticipant = Type.Object({
  hold: Type.Optional(Type.Boolean({ errorMessage: 'hold must be true or false' })),
  muted: Type.Optional(Type.Boolean({ errorMessage: 'muted must be true or false' })),
}, { errorMessage: 'Body must be an object with hold and/or muted' });
export type UpdateParticipant = Static<typeof UpdateParticipant>;

export const ConferenceRoutes = {
  list: { response: { 200: Type.Array(ConferenceView) } },
  get: { params: ConferenceParams, response: { 200: ConferenceView, 404: ControlError } },
  end: { params: ConferenceParams, response: { 200: ConferenceView, 404: ControlError, 409: ControlError } },
  addParticipant: { body: AddParticipant, response: { 201: AddParticipantResult, 400: ControlError, 404: ControlError, 409: ControlError } },
  updateParticipant: { params: ConferenceParticipantParams, body: UpdateParticipant, response: { 200: ConferenceParticipantView, 400: ControlError, 404: ControlError } },
  removeParticipant: { params: ConferenceParticipantParams, response: { 204: Type.Null(), 404: ControlError } },
};
