/**
 * Voicemail: GET /api/voicemails (the team's messages, newest first), GET /api/voicemails/:id/audio (the
 * recording, from its copy in the database or proxied from Twilio: the browser never sees a Twilio URL or
 * credential) and
 * POST /api/voicemails/:id/heard ("heard" is per user; the list says who has heard each message).
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, STATE_CHANGE_ERRORS, errorReply } from './errors';
import type { MediaResponse } from './route';
import { SIGNED_IN, defineRoute } from './route';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');
const NOT_FOUND = errorReply('No voicemail with this id (not_found).');
const UNAVAILABLE = errorReply('The voicemail store is unavailable (store_unavailable).');

export const Voicemail = Type.Object(
  {
    id: Type.String({ description: 'The voicemail id (not a Twilio SID).' }),
    callId: Type.Union([Type.String(), Type.Null()], { description: 'The id of its call in the history (GET /api/calls); null until that call is known.' }),
    from: Type.String({ description: 'The caller in E.164 (or as the network gave it); empty when not known yet.' }),
    durationSeconds: Type.Integer({ minimum: 0 }),
    createdAt: Type.String({ format: 'date-time', description: 'When the message was left (ISO 8601, UTC).' }),
    heard: Type.Boolean({ description: 'The signed-in user has heard it.' }),
    heardBy: Type.Array(Type.String(), { description: 'The users who have heard it.' }),
  },
  { description: 'A message a caller left when nobody answered.' },
);
export type Voicemail = Static<typeof Voicemail>;

export const VoicemailList = Type.Object({
  items: Type.Array(Voicemail, { description: 'Newest first, at most 200.' }),
});
export type VoicemailList = Static<typeof VoicemailList>;

export const VoicemailParams = Type.Object({
  // Checked by the handler, after the session: a signed-out request learns nothing about ids.
  id: Type.String({ maxLength: 40, description: 'The voicemail id (digits).' }),
});
export type VoicemailParams = Static<typeof VoicemailParams>;

const AUDIO: MediaResponse = {
  description: 'The recording (WAV); with Range, the part asked for (206).',
  content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } },
};

export const voicemailListRoute = defineRoute({
  method: 'GET',
  url: '/api/voicemails',
  schema: {
    summary: 'Voicemails',
    description: "The team's voicemails, newest first, each with whether the signed-in user has heard it.",
    tags: ['Voicemail'],
    security: SIGNED_IN,
    response: { 200: VoicemailList, 401: SIGNED_OUT, 503: UNAVAILABLE, ...COMMON_ERRORS },
  },
});

export const voicemailAudioRoute = defineRoute({
  method: 'GET',
  url: '/api/voicemails/:id/audio',
  schema: {
    summary: 'Voicemail audio',
    description: 'Streams the recording to a signed-in user, with Range support (one range per request) so a player can seek.',
    tags: ['Voicemail'],
    security: SIGNED_IN,
    params: VoicemailParams,
    response: {
      200: AUDIO,
      206: AUDIO,
      400: errorReply('A malformed id (bad_request).'),
      401: SIGNED_OUT,
      404: NOT_FOUND,
      416: errorReply('The Range asked for is not one this file has (range_not_satisfiable).'),
      502: errorReply('Twilio did not hand over the recording (recording_unavailable).'),
      503: UNAVAILABLE,
      ...COMMON_ERRORS,
    },
  },
});

export const voicemailHeardRoute = defineRoute({
  method: 'POST',
  url: '/api/voicemails/:id/heard',
  schema: {
    summary: 'Mark a voicemail heard',
    description: 'Marks it heard by the signed-in user, on all their devices; the team sees who has heard it.',
    tags: ['Voicemail'],
    security: SIGNED_IN,
    params: VoicemailParams,
    // JSON like every state-changing route: a form from another site cannot send it.
    body: Type.Object({}, { description: 'Nothing to say: an empty JSON object.' }),
    response: { 200: Voicemail, 400: errorReply('A malformed id (bad_request).'), 401: SIGNED_OUT, 404: NOT_FOUND, 503: UNAVAILABLE, ...JSON_BODY_ERRORS },
  },
});

export const VoicemailDeleted = Type.Object({
  id: Type.String(),
  restorableUntil: Type.String({ format: 'date-time', description: 'Until when POST /api/voicemails/:id/restore brings it back; then its recording is removed at Twilio.' }),
});
export type VoicemailDeleted = Static<typeof VoicemailDeleted>;

export const voicemailDeleteRoute = defineRoute({
  method: 'DELETE',
  url: '/api/voicemails/:id',
  schema: {
    summary: 'Delete a voicemail',
    description:
      'Deletes it for the whole team at once (announced live); it can be restored for a few seconds, after which its recording is removed at Twilio.',
    tags: ['Voicemail'],
    security: SIGNED_IN,
    params: VoicemailParams,
    response: { 200: VoicemailDeleted, 400: errorReply('A malformed id (bad_request).'), 401: SIGNED_OUT, 404: NOT_FOUND, 503: UNAVAILABLE, ...STATE_CHANGE_ERRORS },
  },
});

export const voicemailRestoreRoute = defineRoute({
  method: 'POST',
  url: '/api/voicemails/:id/restore',
  schema: {
    summary: 'Undo deleting a voicemail',
    description: 'Brings a voicemail deleted moments ago back for the whole team, while its recording is still kept.',
    tags: ['Voicemail'],
    security: SIGNED_IN,
    params: VoicemailParams,
    body: Type.Object({}, { description: 'Nothing to say: an empty JSON object.' }),
    response: {
      200: Voicemail,
      400: errorReply('A malformed id (bad_request).'),
      401: SIGNED_OUT,
      404: NOT_FOUND,
      409: errorReply('Too late: its recording is being or has been removed (too_late).'),
      503: UNAVAILABLE,
      ...JSON_BODY_ERRORS,
    },
  },
});
