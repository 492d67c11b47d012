/**
 * The simulated phone network: GET/POST /phones, GET /phones/:number and what a person does with a
 * phone (call, answer, reject, hang up, keys, text, operate it with the console's microphone).
 */
import { Type, type Static } from 'typebox';
import { CallView, ToneView } from './calls';
import { ControlError, E164_PATTERN, Nullable } from './common';
import { MessageMedia, MessageStatus, SmsDelivery } from './messages';

const Audio = Type.Union([Type.Literal('echo'), Type.Literal('tone'), Type.Literal('silence')]);
/** The frequency of a phone's tone, Hz: distinct tones tell who hears whom. */
const ToneHz = Type.Number({ minimum: 50, maximum: 4000, errorMessage: 'toneHz must be a frequency from 50 to 4000 Hz' });

/** What a simulated phone does by itself when it is called. */
export const PhoneBehaviour = Type.Union([
  /** Rings until answered or rejected from the console or the control API. */
  Type.Object({ kind: Type.Literal('manual') }),
  /** Answers after `after` ms (default 800), sends `audio` (a tone at `toneHz`, default 440), hangs up after `hangupAfter` ms if set. */
  Type.Object({
    kind: Type.Literal('answer'),
    after: Type.Optional(Type.Number()),
    audio: Audio,
    hangupAfter: Type.Optional(Type.Number()),
    toneHz: Type.Optional(ToneHz),
  }),
  Type.Object({ kind: Type.Literal('busy') }),
  Type.Object({ kind: Type.Literal('no-answer') }),
]);
export type PhoneBehaviour = Static<typeof PhoneBehaviour>;

export const PhoneState = Type.Union([Type.Literal('idle'), Type.Literal('ringing'), Type.Literal('calling'), Type.Literal('in-call')]);
export type PhoneState = Static<typeof PhoneState>;

/** What the phone's person hears on the current call. */
export const PhoneHeard = Type.Object({
  says: Type.Array(Type.String()),
  digits: Type.String(),
  levelDbfs: Type.Number(),
  peakLevelDbfs: Type.Number(),
  packetsReceived: Type.Integer(),
  /** Tones in what the phone hears, loudest first. */
  tones: Type.Optional(Type.Array(ToneView)),
});
export type PhoneHeard = Static<typeof PhoneHeard>;

export const PhoneMessage = Type.Object({
  sid: Type.String(),
  direction: Type.Union([Type.Literal('received'), Type.Literal('sent')]),
  from: Type.String(),
  to: Type.String(),
  body: Type.String(),
  at: Type.String(),
  /** The message's status at the emulator (a sent text is `received` there once it reached the number). */
  status: MessageStatus,
  errorCode: Nullable(Type.Integer()),
  media: Type.Array(MessageMedia),
});
export type PhoneMessage = Static<typeof PhoneMessage>;

/** How the phone's carrier treats texts sent to it. */
export const PhoneSms = Type.Object({ delivery: SmsDelivery });
export type PhoneSms = Static<typeof PhoneSms>;

export const PhoneView = Type.Object({
  number: Type.String(),
  name: Type.String(),
  behaviour: PhoneBehaviour,
  /** Created on the fly for a number nobody owns; replaced by a phone added with that number. */
  ephemeral: Type.Boolean(),
  state: PhoneState,
  callSid: Nullable(Type.String()),
  operatedFromConsole: Type.Boolean(),
  heard: PhoneHeard,
  messages: Type.Array(PhoneMessage),
  sms: PhoneSms,
  /** The account's numbers (or Messaging Services) this phone has texted STOP to, and not START since. */
  optedOutOf: Type.Array(Type.String()),
});
export type PhoneView = Static<typeof PhoneView>;

/** GET /phones/:number: the phone and the call it is on. */
export const PhoneDetail = Type.Object({ ...PhoneView.properties, call: Nullable(CallView) });
export type PhoneDetail = Static<typeof PhoneDetail>;

export const PhoneParams = Type.Object({ number: Type.String() });
export type PhoneParams = Static<typeof PhoneParams>;

const BEHAVIOUR_MESSAGE = 'behaviour.kind must be manual, answer, busy or no-answer '
  + '(answer takes audio echo, tone or silence, after / hangupAfter in ms, and toneHz from 50 to 4000)';

/** POST /phones: adds a phone, or changes the one with this number. Leaving out audio means echo, or a tone when toneHz is given. */
export const NewPhone = Type.Object({
  number: Type.String({ pattern: E164_PATTERN, errorMessage: 'number must be an E.164 phone number like +12025550199' }),
  /** Shown in the console; the number when left out or blank. */
  name: Type.Optional(Type.String({ errorMessage: 'name must be a string' })),
  behaviour: Type.Optional(Type.Union([
    Type.Object({ kind: Type.Literal('manual') }),
    Type.Object({
      kind: Type.Literal('answer'),
      after: Type.Optional(Type.Number({ minimum: 0 })),
      audio: Type.Optional(Audio),
      hangupAfter: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      toneHz: Type.Optional(ToneHz),
    }),
    Type.Object({ kind: Type.Literal('busy') }),
    Type.Object({ kind: Type.Literal('no-answer') }),
  ], { errorMessage: BEHAVIOUR_MESSAGE })),
  /** How texts to it are delivered (default: delivered). */
  sms: Type.Optional(Type.Object({ delivery: Type.Optional(SmsDelivery) }, { errorMessage: 'sms must be an object like { "delivery": "landline" }' })),
}, { errorMessage: 'Body must be a phone object' });
export type NewPhone = Static<typeof NewPhone>;

/**
 * POST /phones/:number/call: the phone calls one of the account's numbers, a client or another phone;
 * with `toneHz` it sends a steady tone at that frequency on this call instead of its usual audio.
 */
export const PlaceCall = Type.Object({ to: Type.String({ errorMessage: 'to is required' }), toneHz: Type.Optional(ToneHz) });
export type PlaceCall = Static<typeof PlaceCall>;

export const CallSidResult = Type.Object({ callSid: Type.String() });
export type CallSidResult = Static<typeof CallSidResult>;

/** Answer, reject, hang up: the CallSid the phone had. */
export const PhoneActionResult = Type.Object({ callSid: Nullable(Type.String()) });
export type PhoneActionResult = Static<typeof PhoneActionResult>;

/** POST /phones/:number/dtmf: keys pressed on the phone; w is a half-second pause. */
export const PressKeys = Type.Object({ digits: Type.String({ pattern: '^[0-9*#w]+$', errorMessage: 'digits must be 0-9, *, # or w' }) });
export type PressKeys = Static<typeof PressKeys>;
export const PressKeysResult = Type.Object({ sent: Type.String() });
export type PressKeysResult = Static<typeof PressKeysResult>;

/**
 * POST /phones/:number/sms: the phone texts `to` (an account number gets its SMS webhook). A picture
 * message carries `picture` (a small PNG or JPEG the emulator draws) and/or `media` (the bytes, base64);
 * the body may then be empty.
 */
export const SendText = Type.Object({
  to: Type.String({ errorMessage: 'to and body are required' }),
  body: Type.String({ errorMessage: 'to and body are required' }),
  picture: Type.Optional(Type.Union([Type.Literal('png'), Type.Literal('jpeg')], { errorMessage: 'picture must be png or jpeg' })),
  media: Type.Optional(Type.Array(
    Type.Object({
      contentType: Type.String({ pattern: '^[a-z]+/[A-Za-z0-9.+-]+$', errorMessage: 'media contentType must be a MIME type like image/png' }),
      base64: Type.String({ errorMessage: 'media base64 must be a string' }),
    }),
    { maxItems: 10, errorMessage: 'media must be at most 10 items of { contentType, base64 }' },
  )),
});
export type SendText = Static<typeof SendText>;
/**
 * `error` says why an account number's webhook gave no replies; `replies` are the bodies of its
 * <Message> replies, `autoReply` Twilio's own answer to STOP, START or HELP.
 */
export const SendTextResult = Type.Object({
  messageSid: Type.String(),
  replies: Type.Array(Type.String()),
  error: Nullable(Type.String()),
  autoReply: Nullable(Type.String()),
  numSegments: Type.Integer(),
  numMedia: Type.Integer(),
});
export type SendTextResult = Static<typeof SendTextResult>;

/** POST /phones/:number/operate: the emulator's offer for the console page's microphone. */
export const OperateOffer = Type.Object({ sdp: Type.String() });
export type OperateOffer = Static<typeof OperateOffer>;
/** POST /phones/:number/operate/answer: the page's answer to that offer. */
export const OperateAnswer = Type.Object({ sdp: Type.String({ errorMessage: 'sdp is required' }) });
export type OperateAnswer = Static<typeof OperateAnswer>;
export const OkResult = Type.Object({ ok: Type.Literal(true) });
export type OkResult = Static<typeof OkResult>;

export const PhoneRoutes = {
  list: { response: { 200: Type.Array(PhoneView) } },
  add: { body: NewPhone, response: { 201: PhoneView, 400: ControlError } },
  get: { params: PhoneParams, response: { 200: PhoneDetail, 404: ControlError } },
  call: { params: PhoneParams, body: PlaceCall, response: { 201: CallSidResult, 400: ControlError, 404: ControlError, 409: ControlError } },
  answer: { params: PhoneParams, response: { 200: PhoneActionResult, 404: ControlError, 409: ControlError } },
  reject: { params: PhoneParams, response: { 200: PhoneActionResult, 404: ControlError, 409: ControlError } },
  hangup: { params: PhoneParams, response: { 200: PhoneActionResult, 404: ControlError, 409: ControlError } },
  dtmf: { params: PhoneParams, body: PressKeys, response: { 200: PressKeysResult, 400: ControlError, 404: ControlError, 409: ControlError } },
  sms: { params: PhoneParams, body: SendText, response: { 201: SendTextResult, 400: ControlError, 404: ControlError } },
  operate: { params: PhoneParams, response: { 200: OperateOffer, 404: ControlError, 409: ControlError } },
  operateAnswer: { params: PhoneParams, body: OperateAnswer, response: { 200: OkResult, 400: ControlError, 404: ControlError, 409: ControlError } },
  stopOperating: { params: PhoneParams, response: { 204: Type.Null(), 404: ControlError } },
  /** POST /phones/:number/sms-delivery: how texts to this phone are delivered from now on. */
  smsDelivery: { params: PhoneParams, body: PhoneSms, response: { 200: PhoneView, 400: ControlError, 404: ControlError } },
};
