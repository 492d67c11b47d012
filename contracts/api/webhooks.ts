/**
 * Twilio's voice webhooks: form-encoded parameters, signed with X-Twilio-Signature. Each schema names the
 * parameters the app reads (from Twilio's request-parameter docs) and lets every other one through, as
 * text, because Twilio adds parameters over time and a call must never fail on one it did not know.
 * Values stay plain strings with no enumerations for the same reason: a new CallStatus is not an error.
 */
import { Type } from 'typebox';
import type { Static, TProperties } from 'typebox';
import { COMMON_ERRORS, errorReply } from './errors';
import { SIGNED_BY_TWILIO, defineRoute } from './route';
import type { MediaResponse } from './route';

const text = (description: string) => Type.Optional(Type.String({ description }));

const FROM = 'The caller: a number in E.164, or client:<identity> for a browser.';
const TO = 'Who was called: a number, or what a browser asked for (a number or a colleague).';

/** A form of Twilio parameters: the named ones, plus any others as text. */
function twilioForm<P extends TProperties>(properties: P, description: string) {
  return Type.Object(properties, { additionalProperties: Type.String(), description });
}

/** Sent with every voice request about a call. */
const CALL = {
  CallSid: Type.String({ description: 'This call leg (CA…).' }),
  AccountSid: text('The Twilio account (AC…).'),
  From: text(FROM),
  To: text(TO),
  CallStatus: text('queued, ringing, in-progress, completed, busy, failed, no-answer or canceled.'),
  ApiVersion: text('Twilio API version, 2010-04-01.'),
  Direction: text('inbound, outbound-api or outbound-dial.'),
  ParentCallSid: text('The leg that created this one, on legs created by <Dial>.'),
  ApplicationSid: text('The TwiML App, on calls placed by the Voice SDK.'),
  Called: text('Same as To.'),
  Caller: text('Same as From.'),
};

export const VoiceWebhook = twilioForm(
  { ...CALL, From: Type.String({ description: FROM }), To: Type.String({ description: TO }) },
  'A call has reached the team number, or a browser is placing one. Voice SDK custom parameters arrive as extra fields.',
);
export type VoiceWebhook = Static<typeof VoiceWebhook>;

export const AfterDialWebhook = twilioForm(
  {
    ...CALL,
    DialCallStatus: Type.String({ description: 'completed, answered, busy, no-answer, failed or canceled.' }),
    DialCallSid: text('The leg that was dialled.'),
    DialCallDuration: text('Seconds the dialled leg was connected.'),
    DialBridged: text('true when the two legs were connected.'),
  },
  'A <Dial> has ended (its action URL).',
);
export type AfterDialWebhook = Static<typeof AfterDialWebhook>;

export const AfterDialQuery = Type.Object({
  leg: Type.Optional(
    Type.Enum(['number', 'client', 'inbound'], {
      description: 'Which kind of <Dial> ended: to a number, to a colleague, or an incoming call ringing the team.',
    }),
  ),
});
export type AfterDialQuery = Static<typeof AfterDialQuery>;

export const StatusCallback = twilioForm(
  {
    ...CALL,
    CallbackSource: text('call-progress-events.'),
    SequenceNumber: text('Order of the callbacks of one leg, from 0: callbacks can arrive out of order.'),
    Timestamp: text('When the event happened (RFC 2822).'),
    CallDuration: text('Seconds the leg lasted, on completed.'),
    Duration: text('Minutes the leg lasted, rounded up, on completed.'),
    SipResponseCode: text('The SIP answer, on calls to numbers.'),
    ErrorCode: text('Twilio error code, when the leg failed.'),
    ErrorMessage: text('Twilio error message, when the leg failed.'),
  },
  'A call leg changed state (statusCallback of <Number>/<Client>).',
);
export type StatusCallback = Static<typeof StatusCallback>;

const FORM = ['application/x-www-form-urlencoded'] as const;

const TWIML: MediaResponse = {
  description: 'TwiML: what the caller hears and who is rung. A request outside this contract still gets TwiML.',
  content: { 'text/xml': { schema: Type.String({ description: 'A TwiML <Response> document.' }) } },
};

const BAD_SIGNATURE = errorReply('X-Twilio-Signature is missing or does not match this URL and these parameters (bad_signature). No TwiML.');

/** A webhook whose answer a caller hears: signed form in, TwiML out. */
export const TWIML_WEBHOOK = {
  tags: ['Twilio webhooks'],
  security: SIGNED_BY_TWILIO,
  consumes: FORM,
  response: { 200: TWIML, 403: BAD_SIGNATURE, ...COMMON_ERRORS },
} as const;

export const voiceWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls',
  schema: {
    summary: 'Voice webhook',
    description: "The TwiML App's and the team number's voice URL: dial a number or a colleague, or ring the team.",
    ...TWIML_WEBHOOK,
    body: VoiceWebhook,
  },
});

export const afterDialWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/after-dial',
  schema: {
    summary: '<Dial> action',
    description: 'What happens after a <Dial>: hang up, reject as busy, or tell an outside caller no one is available.',
    ...TWIML_WEBHOOK,
    querystring: AfterDialQuery,
    body: AfterDialWebhook,
  },
});

export const statusCallbackRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/status',
  schema: {
    summary: 'Call status callback',
    description: 'Folded into the call history; acknowledged (204) only once committed.',
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    body: StatusCallback,
    response: {
      204: Type.Null({ description: 'Taken in.' }),
      400: errorReply('The callback names no CallSid (bad_request).'),
      403: BAD_SIGNATURE,
      503: errorReply('Not stored: the history database is unavailable (store_unavailable). Answered only after the write, so a 2xx means stored.'),
      ...COMMON_ERRORS,
    },
  },
});

export const SmsWebhook = twilioForm(
  {
    MessageSid: Type.String({ description: 'The message (SM… or MM…).' }),
    SmsSid: text('Same as MessageSid.'),
    AccountSid: text('The Twilio account (AC…).'),
    MessagingServiceSid: text('The Messaging Service, when the number belongs to one.'),
    From: Type.String({ description: 'The sender, E.164.' }),
    To: Type.String({ description: 'The team number, E.164.' }),
    Body: text('The text, up to 1600 characters.'),
    NumMedia: text('How many media items are attached (MediaUrl0…, MediaContentType0…).'),
  },
  'A text message reached the team number (its SMS URL).',
);
export type SmsWebhook = Static<typeof SmsWebhook>;

export const SmsStatusWebhook = twilioForm(
  {
    MessageSid: Type.String({ description: 'The message (SM… or MM…).' }),
    MessageStatus: Type.String({ description: 'queued, sending, sent, delivered, undelivered or failed.' }),
    ErrorCode: text('Twilio error code, on undelivered and failed.'),
    AccountSid: text('The Twilio account (AC…).'),
    From: text('The team number.'),
    To: text('The recipient.'),
  },
  'A message sent from the app changed state (its statusCallback).',
);
export type SmsStatusWebhook = Static<typeof SmsStatusWebhook>;

export const smsWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_sms',
  schema: {
    summary: 'Messaging webhook',
    description: "The team number's SMS URL: the message is stored, then answered with an empty <Response/> (no automatic reply).",
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    body: SmsWebhook,
    response: {
      200: { description: 'An empty TwiML <Response/>, sent once the message is stored.', content: { 'text/xml': { schema: Type.String() } } },
      400: errorReply('The request is not a message this server can store (bad_request).'),
      403: BAD_SIGNATURE,
      503: errorReply('Not stored: the database is unavailable (store_unavailable).'),
      ...COMMON_ERRORS,
    },
  },
});

export const smsStatusWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_sms/status',
  schema: {
    summary: 'Message status callback',
    description: 'Folded into the message in any order and any number of times; acknowledged (204) only once committed.',
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    querystring: Type.Object({ ref: Type.Optional(Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'Our reference for the text, from its statusCallback URL (covered by the signature).' })) }),
    body: SmsStatusWebhook,
    response: {
      204: Type.Null({ description: 'Taken in.' }),
      400: errorReply('The callback names no MessageSid or an unknown status (bad_request).'),
      403: BAD_SIGNATURE,
      503: errorReply('Not stored: the database is unavailable (store_unavailable).'),
      ...COMMON_ERRORS,
    },
  },
});

export const RecordingCallback = twilioForm(
  {
    CallSid: Type.String({ description: 'The call that was recorded (CA…).' }),
    AccountSid: text('The Twilio account (AC…).'),
    RecordingSid: text('The recording (RE…).'),
    RecordingUrl: text('Its REST URL; the media needs the account\'s credentials.'),
    RecordingStatus: text('in-progress, completed, absent or failed.'),
    RecordingDuration: text('Whole seconds, once completed.'),
    RecordingChannels: text('1 for <Record>.'),
    RecordingSource: text('RecordVerb.'),
    RecordingStartTime: text('When recording started (RFC 2822).'),
    ErrorCode: text('Why it is absent (16101 nothing recorded, 16102 silence).'),
  },
  'A <Record> recording changed state (recordingStatusCallback).',
);
export type RecordingCallback = Static<typeof RecordingCallback>;

export const VoicemailDoneWebhook = twilioForm(
  {
    ...CALL,
    RecordingUrl: text('The message just recorded.'),
    RecordingDuration: text('Its length in whole seconds.'),
    Digits: text('The key that ended it (#), or hangup.'),
  },
  'A caller finished leaving a message (the <Record> action).',
);
export type VoicemailDoneWebhook = Static<typeof VoicemailDoneWebhook>;

export const voicemailDoneWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/voicemail-done',
  schema: {
    summary: '<Record> action',
    description: 'The caller has left a message: thank them and hang up. The message itself arrives at the recording callback.',
    ...TWIML_WEBHOOK,
    body: VoicemailDoneWebhook,
  },
});

export const recordingCallbackRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/recording',
  schema: {
    summary: 'Recording status callback',
    description:
      'A completed recording of a second or more becomes a voicemail (its call\'s outcome: voicemail); silence or nothing leaves a missed call. ' +
      'Idempotent by RecordingSid; acknowledged (204) only once committed.',
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    body: RecordingCallback,
    response: {
      204: Type.Null({ description: 'Taken in.' }),
      400: errorReply('The callback names no CallSid or RecordingSid (bad_request).'),
      403: BAD_SIGNATURE,
      503: errorReply('Not stored: the database is unavailable (store_unavailable); Twilio retries, and the message stays at Twilio.'),
      ...COMMON_ERRORS,
    },
  },
});
