/** Fault injection: POST /faults/drop-signaling, /faults/block-media, /faults/expire-token, /faults/revoke-token. */
import { Type, type Static } from 'typebox';
import { ControlError } from './common';

/** Which SDK devices: every session of an identity, or one session. One of the two is required. */
export const SessionFilter = Type.Object({
  identity: Type.Optional(Type.String({ errorMessage: 'identity must be a string' })),
  sessionId: Type.Optional(Type.String({ errorMessage: 'sessionId must be a string' })),
});
export type SessionFilter = Static<typeof SessionFilter>;

export const DropSignalingResult = Type.Object({ dropped: Type.Integer() });
export type DropSignalingResult = Static<typeof DropSignalingResult>;
export const ExpireTokenResult = Type.Object({ expired: Type.Integer() });
export type ExpireTokenResult = Static<typeof ExpireTokenResult>;
export const RevokeTokenResult = Type.Object({ revoked: Type.Integer() });
export type RevokeTokenResult = Static<typeof RevokeTokenResult>;

const MS_MESSAGE = 'ms must be a whole number of milliseconds from 1 to 600000';

/** A network outage on the media path of the live calls of an identity, or of one call. */
export const BlockMedia = Type.Object({
  identity: Type.Optional(Type.String({ errorMessage: 'identity must be a string' })),
  callSid: Type.Optional(Type.String({ errorMessage: 'callSid must be a string' })),
  ms: Type.Integer({ minimum: 1, maximum: 600_000, errorMessage: MS_MESSAGE }),
});
export type BlockMedia = Static<typeof BlockMedia>;
/** The CallSids whose media endpoint drops every datagram for `ms`. */
export const BlockMediaResult = Type.Object({ blocked: Type.Array(Type.String()), ms: Type.Integer() });
export type BlockMediaResult = Static<typeof BlockMediaResult>;

export const FaultRoutes = {
  dropSignaling: { body: SessionFilter, response: { 200: DropSignalingResult, 400: ControlError } },
  blockMedia: { body: BlockMedia, response: { 200: BlockMediaResult, 400: ControlError, 404: ControlError } },
  expireToken: { body: SessionFilter, response: { 200: ExpireTokenResult, 400: ControlError } },
  revokeToken: { body: SessionFilter, response: { 200: RevokeTokenResult, 400: ControlError } },
};
