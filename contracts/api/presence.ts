/**
 * Availability: each user is Available or on Do not disturb; the ring group rings only available
 * members. Colleagues also see who is on a call. GET /api/presence, PUT /api/presence/me.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, errorReply } from './errors';
import { SIGNED_IN, defineRoute } from './route';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');

export const Availability = Type.Enum(['available', 'dnd'], { description: 'available, or dnd (Do not disturb: not rung by the team number).' });
export type Availability = Static<typeof Availability>;

export const Presence = Type.Object(
  {
    user: Type.String(),
    availability: Availability,
    onCall: Type.Boolean({ description: 'The user is on a call right now (from the call history).' }),
  },
  { description: "A user's availability as colleagues see it." },
);
export type Presence = Static<typeof Presence>;

export const PresenceList = Type.Object({ items: Type.Array(Presence, { description: 'Every user, the signed-in one included.' }) });
export type PresenceList = Static<typeof PresenceList>;

export const SetAvailability = Type.Object({ availability: Availability });
export type SetAvailability = Static<typeof SetAvailability>;

export const presenceListRoute = defineRoute({
  method: 'GET',
  url: '/api/presence',
  schema: {
    summary: "The team's availability",
    tags: ['Team'],
    security: SIGNED_IN,
    response: { 200: PresenceList, 401: SIGNED_OUT, ...COMMON_ERRORS },
  },
});

export const setAvailabilityRoute = defineRoute({
  method: 'PUT',
  url: '/api/presence/me',
  schema: {
    summary: 'Set my availability',
    description: 'Takes effect for the next call to the team number on every server replica.',
    tags: ['Team'],
    security: SIGNED_IN,
    body: SetAvailability,
    response: { 200: Presence, 401: SIGNED_OUT, 503: errorReply('The store is unavailable, nothing was changed (store_unavailable).'), ...JSON_BODY_ERRORS },
  },
});
