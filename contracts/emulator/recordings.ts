/**
 * Recordings made by <Record> (GET /recordings, GET /recordings/:sid, GET /recordings/:sid/audio,
 * DELETE /recordings/:sid) and a simulated phone that leaves a message (POST /phones/:number/leave-message).
 * The same recordings are served to the app by the REST API (/2010-04-01/…/Recordings), in Twilio's shapes.
 */
import { Type, type Static } from 'typebox';
import { CallSidResult, PhoneParams } from './phones';
import { ControlError, Nullable } from './common';

/** in-progress while recording; absent when nothing was heard (Twilio's error 16101 too short, 16102 silent). */
export const RecordingStatus = Type.Union([Type.Literal('in-progress'), Type.Literal('completed'), Type.Literal('absent')]);
export type RecordingStatus = Static<typeof RecordingStatus>;

export const RecordingView = Type.Object({
  sid: Type.String(),
  accountSid: Type.String(),
  callSid: Type.String(),
  /** The call's parties: who left the recording, and the number they called. */
  from: Type.String(),
  to: Type.String(),
  status: RecordingStatus,
  errorCode: Nullable(Type.Integer()),
  source: Type.Literal('RecordVerb'),
  channels: Type.Integer(),
  startTime: Type.String(),
  /** Length of the kept audio; null while recording. */
  durationMs: Nullable(Type.Integer()),
  /** Whole seconds, as Twilio reports RecordingDuration; null while recording. */
  durationSeconds: Nullable(Type.Integer()),
  /** The REST media URL (RecordingUrl): add .wav or .mp3; needs the account's Basic auth. */
  mediaUrl: Type.String(),
  /** The same audio as WAV for the console, on the control API; null when there is none. */
  audioUrl: Nullable(Type.String()),
});
export type RecordingView = Static<typeof RecordingView>;

export const RecordingParams = Type.Object({ sid: Type.String() });
export type RecordingParams = Static<typeof RecordingParams>;

/**
 * POST /phones/:number/leave-message: the phone calls `to` and, once a <Record> on that call starts
 * (after its beep), speaks for `seconds` (a tone at `toneHz`, or a speech-like sound), then presses #
 * or hangs up. A call nobody records is left as it is, up to its TwiML.
 */
export const LeaveMessage = Type.Object({
  to: Type.String({ errorMessage: 'to is required' }),
  seconds: Type.Number({ minimum: 0.1, maximum: 600, errorMessage: 'seconds must be a number from 0.1 to 600' }),
  end: Type.Optional(Type.Union([Type.Literal('hash'), Type.Literal('hangup')], { errorMessage: 'end must be hash or hangup' })),
  sound: Type.Optional(Type.Union([Type.Literal('tone'), Type.Literal('speech')], { errorMessage: 'sound must be tone or speech' })),
  toneHz: Type.Optional(Type.Number({ minimum: 50, maximum: 4000 })),
}, { errorMessage: 'Body must be {to, seconds, end?, sound?, toneHz?}' });
export type LeaveMessage = Static<typeof LeaveMessage>;

export const RecordingRoutes = {
  list: { response: { 200: Type.Array(RecordingView) } },
  get: { params: RecordingParams, response: { 200: RecordingView, 404: ControlError } },
  remove: { params: RecordingParams, response: { 204: Type.Null(), 404: ControlError } },
  /** The audio as WAV (PCM 16-bit, 8 kHz, mono), with Range support; 404 without audio. */
  audio: { params: RecordingParams },
  leaveMessage: { params: PhoneParams, body: LeaveMessage, response: { 201: CallSidResult, 400: ControlError, 404: ControlError, 409: ControlError } },
};
