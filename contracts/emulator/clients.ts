/** Voice SDK devices connected to the emulator's signaling: GET /clients. */
import { Type, type Static } from 'typebox';
import { Nullable } from './common';

export const ClientView = Type.Object({
  sessionId: Type.String(),
  /** null until the socket has sent a valid token. */
  identity: Nullable(Type.String()),
  registered: Type.Boolean(),
  /** Registered with a current token that allows incoming calls: where calls to the identity ring. */
  reachable: Type.Boolean(),
  tokenExpired: Type.Boolean(),
  tokenExpiresAt: Nullable(Type.String()),
  connectedAt: Type.String(),
  userAgent: Type.String(),
});
export type ClientView = Static<typeof ClientView>;

export const ClientRoutes = {
  list: { response: { 200: Type.Array(ClientView) } },
};
