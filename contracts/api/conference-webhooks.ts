/**
 * Twilio's conference callbacks for calls moved into a conference (call-control.ts): the conference's
 * status callback (participants joining, leaving, held) and the call status callback of each participant
 * the server dials in (which says when one was not answered). Signed form bodies, like every webhook.
 */
import { Type } from 'typebox';
import { COMMON_ERRORS, errorReply } from './errors';
import { SIGNED_BY_TWILIO, defineRoute } from './route';

const text = (description: string) => Type.Optional(Type.String({ description }));
const FORM = ['application/x-www-form-urlencoded'] as const;
const BAD_SIGNATURE = errorReply('X-Twilio-Signature is missing or does not match this URL and these parameters (bad_signature).');
const RESPONSES = {
  204: Type.Null({ description: 'Taken in.' }),
  403: BAD_SIGNATURE,
  503: errorReply('Not stored: the database is unavailable (store_unavailable); Twilio retries.'),
  ...COMMON_ERRORS,
} as const;

export const ConferenceCallback = Type.Object(
  {
    ConferenceSid: text('The conference (CF…).'),
    FriendlyName: text("The conference's name: the server's own id for the call."),
    StatusCallbackEvent: text('conference-start, conference-end, participant-join, participant-leave, participant-hold, participant-unhold, …'),
    CallSid: text('The participant\'s leg, on participant events.'),
    ReasonParticipantLeft: text('Why a participant left (participant_hung_up, participant_updated_via_api, participant_add_failed, …).'),
    SequenceNumber: text('Order of the callbacks of this conference.'),
    Timestamp: text('When it happened (RFC 2822).'),
  },
  { additionalProperties: Type.String(), description: 'A conference status callback.' },
);

export const ConferenceLegQuery = Type.Object({ room: Type.String({ maxLength: 64, description: 'The conference the participant was dialed into.' }) });

export const ConferenceLegCallback = Type.Object(
  {
    CallSid: Type.String({ description: 'The participant\'s leg (CA…).' }),
    CallStatus: text('completed, busy, no-answer, failed or canceled when it ends.'),
  },
  { additionalProperties: Type.String(), description: "A dialed participant's call status callback." },
);

export const conferenceCallbackRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/conference',
  schema: {
    summary: 'Conference status callback',
    description: 'Who joined, left or was held in a call moved into a conference; applied to the live call and announced (live-call event) before the 204.',
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    body: ConferenceCallback,
    response: RESPONSES,
  },
});

export const conferenceLegCallbackRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/conference-leg',
  schema: {
    summary: 'Dialed participant status callback',
    description: 'A participant the server dialed (transfer, add person) ended or was not answered.',
    tags: ['Twilio webhooks'],
    security: SIGNED_BY_TWILIO,
    consumes: FORM,
    querystring: ConferenceLegQuery,
    body: ConferenceLegCallback,
    response: RESPONSES,
  },
});
