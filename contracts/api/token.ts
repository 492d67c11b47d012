/** POST /api/token: a Voice AccessToken for the signed-in user. */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { JSON_BODY_ERRORS, errorReply } from './errors';
import { SIGNED_IN, defineRoute } from './route';

export const TokenRequest = Type.Object({}, { description: 'Nothing to say: an empty JSON object.' });
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenGrant = Type.Object(
  {
    token: Type.String({ description: 'AccessToken (JWT) with a VoiceGrant for this identity.' }),
    identity: Type.String({ description: 'The identity the token is for.' }),
    ttl: Type.Integer({ minimum: 1, description: 'Seconds the token is valid for.' }),
  },
  { description: 'A token for the Voice SDK.' },
);
export type TokenGrant = Static<typeof TokenGrant>;

export const tokenRoute = defineRoute({
  method: 'POST',
  url: '/api/token',
  schema: {
    summary: 'Voice access token',
    tags: ['Calls'],
    security: SIGNED_IN,
    body: TokenRequest,
    response: {
      200: TokenGrant,
      400: errorReply('The body is not an empty JSON object (bad_request).'),
      401: errorReply('Not signed in, or the session has expired (signed_out).'),
      429: errorReply('Too many tokens for this user; the answer says how long to wait (rate_limited).'),
      ...JSON_BODY_ERRORS,
    },
  },
});
