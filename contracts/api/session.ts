/** /api/session: sign in (POST), who is signed in (GET), sign out (DELETE). */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, STATE_CHANGE_ERRORS, errorReply } from './errors';
import { OPEN, SIGNED_IN, defineRoute } from './route';

export const SignIn = Type.Object({
  username: Type.String({ title: 'user name', minLength: 1, maxLength: 64, description: 'Case and spaces around it do not matter.' }),
  password: Type.String({ title: 'password', minLength: 1, maxLength: 1024 }),
});
export type SignIn = Static<typeof SignIn>;

export const Session = Type.Object(
  {
    identity: Type.String({ description: 'The signed-in user: their client identity for calls.' }),
    colleagues: Type.Array(Type.String(), { description: 'The other users, who can be called by name.' }),
  },
  { description: 'The signed-in user.' },
);
export type Session = Static<typeof Session>;

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');

export const signInRoute = defineRoute({
  method: 'POST',
  url: '/api/session',
  schema: {
    summary: 'Sign in',
    description: 'Sets an encrypted session cookie. Limited per client network and, for failures, per user name.',
    tags: ['Session'],
    security: OPEN,
    body: SignIn,
    response: {
      200: Session,
      400: errorReply('The body is not valid JSON or not a valid sign-in (bad_request).'),
      401: errorReply('The user name or password is wrong (bad_credentials).'),
      429: errorReply('Too many attempts; the answer says how long to wait (rate_limited).'),
      ...JSON_BODY_ERRORS,
    },
  },
});

export const currentSessionRoute = defineRoute({
  method: 'GET',
  url: '/api/session',
  schema: {
    summary: 'Who is signed in',
    description: 'Also slides the session: an active session stays signed in up to its absolute limit.',
    tags: ['Session'],
    security: SIGNED_IN,
    response: { 200: Session, 401: SIGNED_OUT, ...COMMON_ERRORS },
  },
});

export const signOutRoute = defineRoute({
  method: 'DELETE',
  url: '/api/session',
  schema: {
    summary: 'Sign out',
    description: 'Clears the session cookie in this browser; works signed out too.',
    tags: ['Session'],
    security: OPEN,
    response: { 204: Type.Null({ description: 'Signed out.' }), ...STATE_CHANGE_ERRORS },
  },
});
