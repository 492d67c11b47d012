/**
 * "Call via my phone" (click-to-call): each user may keep a personal number (their mobile); dialing with it
 * makes the server call that phone from the team number through Twilio's REST API, and once the person
 * answers and presses 1 the call goes on to the destination with the team number as caller ID. Its
 * progress reaches the user's tabs as `click-to-call` events; any tab of theirs can hang it up.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, errorReply } from './errors';
import { SIGNED_IN, SIGNED_BY_TWILIO, defineRoute } from './route';
import { TWIML_WEBHOOK, StatusCallback, VoiceWebhook } from './webhooks';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');
const STORE_DOWN = errorReply('The settings store is unavailable (store_unavailable).');
const FORM = ['application/x-www-form-urlencoded'] as const;

export const PersonalNumber = Type.Object({
  personalNumber: Type.Union([Type.String({ description: 'E.164.' }), Type.Null()], { description: "The user's own phone, or null when none is kept." }),
});
export type PersonalNumber = Static<typeof PersonalNumber>;

export const SetPersonalNumber = Type.Object({
  personalNumber: Type.Union([Type.String({ maxLength: 40 }), Type.Null()], {
    description: 'A number in the allowed countries (any common notation; stored in E.164), or null to forget it.',
  }),
}, { additionalProperties: false });
export type SetPersonalNumber = Static<typeof SetPersonalNumber>;

export const ClickToCallRequest = Type.Object({
  to: Type.String({ maxLength: 40, description: 'The number to call, as dialed.' }),
}, { additionalProperties: false });
export type ClickToCallRequest = Static<typeof ClickToCallRequest>;

export const ClickToCallStage = Type.Enum(['calling-you', 'press-1', 'calling-destination', 'connected', 'ended'], {
  description: 'calling-you: your phone rings; press-1: you answered, press 1 to go on; calling-destination; connected; ended (with a reason).',
});
export type ClickToCallStage = Static<typeof ClickToCallStage>;

export const ClickToCallProgress = Type.Object({
  callSid: Type.String({ description: 'The call to your phone (CA…), the one to hang up.' }),
  to: Type.String({ description: 'The destination, E.164.' }),
  via: Type.String({ description: 'Your phone, E.164.' }),
  stage: ClickToCallStage,
  reason: Type.Union([Type.String(), Type.Null()], { description: "How it ended: Twilio's final status of the leg that ended it (busy, no-answer, failed, canceled, completed), or no-key." }),
});
export type ClickToCallProgress = Static<typeof ClickToCallProgress>;

export const ClickToCallParams = Type.Object({ sid: Type.String({ maxLength: 64, description: 'The CallSid of the call to your phone (CA…).' }) });
export type ClickToCallParams = Static<typeof ClickToCallParams>;

export const personalNumberRoute = defineRoute({
  method: 'GET',
  url: '/api/me/personal-number',
  schema: {
    summary: 'Your personal number',
    tags: ['Calls'],
    security: SIGNED_IN,
    response: { 200: PersonalNumber, 401: SIGNED_OUT, 503: STORE_DOWN, ...COMMON_ERRORS },
  },
});

export const setPersonalNumberRoute = defineRoute({
  method: 'PUT',
  url: '/api/me/personal-number',
  schema: {
    summary: 'Keep or forget your personal number',
    description: 'The phone "Call via my phone" rings first. Same rules as a destination: valid, in the allowed countries, not premium-rate.',
    tags: ['Calls'],
    security: SIGNED_IN,
    body: SetPersonalNumber,
    response: {
      200: PersonalNumber,
      400: errorReply('Not a valid number, or one calls may not go to (bad_request, not_allowed).'),
      401: SIGNED_OUT,
      503: STORE_DOWN,
      ...JSON_BODY_ERRORS,
    },
  },
});

export const clickToCallRoute = defineRoute({
  method: 'POST',
  url: '/api/click-to-call',
  schema: {
    summary: 'Call via my phone',
    description: 'Rings your personal number from the team number; when you answer and press 1, the destination is dialed with the team number as caller ID.',
    tags: ['Calls'],
    security: SIGNED_IN,
    body: ClickToCallRequest,
    response: {
      201: ClickToCallProgress,
      400: errorReply('A destination that is not valid or not allowed (bad_request, not_allowed).'),
      401: SIGNED_OUT,
      409: errorReply('No personal number is kept (no_personal_number).'),
      502: errorReply('Twilio refused the call (twilio_refused), with its error code.'),
      503: errorReply('Placing calls is not set up on this server, or the settings store is unavailable (calling_unavailable, store_unavailable).'),
      ...JSON_BODY_ERRORS,
    },
  },
});

export const clickToCallHangupRoute = defineRoute({
  method: 'POST',
  url: '/api/click-to-call/:sid/hangup',
  schema: {
    summary: 'Hang up a call placed via your phone',
    description: 'Ends it at Twilio (REST update Status=completed). Only a call to your own personal number.',
    tags: ['Calls'],
    security: SIGNED_IN,
    params: ClickToCallParams,
    body: Type.Object({}, { description: 'Nothing to say: an empty JSON object.' }),
    response: {
      204: Type.Null({ description: 'Ended (or already over).' }),
      401: SIGNED_OUT,
      404: errorReply('No such call to your phone (not_found).'),
      502: errorReply('Twilio refused (twilio_refused).'),
      503: errorReply('Placing calls is not set up on this server (calling_unavailable).'),
      ...JSON_BODY_ERRORS,
    },
  },
});

/** Who the call is for, in the query of every URL Twilio gets for it (covered by the signature). */
export const ClickToCallQuery = Type.Object({
  user: Type.String({ maxLength: 100 }),
  to: Type.String({ maxLength: 40, description: 'The destination, E.164.' }),
  via: Type.String({ maxLength: 40, description: "The user's phone, E.164." }),
  leg: Type.Optional(Type.Enum(['mobile', 'destination'])),
});
export type ClickToCallQuery = Static<typeof ClickToCallQuery>;

export const clickToCallAnswerWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/click-to-call',
  schema: {
    summary: 'Click-to-call: your phone answered',
    description: 'A <Gather> for one key: 1 dials the destination; a voicemail box that picks up presses nothing, so it never connects.',
    ...TWIML_WEBHOOK,
    querystring: ClickToCallQuery,
    body: VoiceWebhook,
  },
});

export const clickToCallConnectWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/click-to-call/connect',
  schema: {
    summary: 'Click-to-call: the key pressed',
    description: '1: <Dial> the destination with the team number as caller ID; anything else: goodbye.',
    ...TWIML_WEBHOOK,
    querystring: ClickToCallQuery,
    body: VoiceWebhook,
  },
});

export const clickToCallStatusWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/click-to-call/status',
  schema: {
    summary: 'Click-to-call: status of a leg',
    description: "Your phone's leg (leg=mobile) or the destination's (leg=destination); becomes a click-to-call event for you.",
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    querystring: ClickToCallQuery,
    body: StatusCallback,
    response: {
      204: Type.Null({ description: 'Taken in.' }),
      403: errorReply('Not signed by Twilio (bad_signature).'),
      503: errorReply('The event could not be stored (store_unavailable).'),
      ...COMMON_ERRORS,
    },
  },
});
