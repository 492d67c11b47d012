/** Control API: fault injection (contracts/emulator/faults). */
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { FaultRoutes, type SessionFilter } from '../../contracts/emulator/faults';
import type { Emulator } from '../emulator';
import { apiError, type ControlScope } from './scope';

/** The filter with its empty parts left out, or null when nothing is left. */
function sessionFilter(body: SessionFilter): SessionFilter | null {
  const { identity, sessionId } = body;
  if (!identity && !sessionId) return null;
  return { ...(identity ? { identity } : {}), ...(sessionId ? { sessionId } : {}) };
}

export function registerFaultRoutes(api: ControlScope, emulator: Pick<Emulator, 'faults'>): void {
  const p = `${CONTROL_API_PREFIX}/faults`;
  const { faults } = emulator;
  const needSession = apiError(400, 'identity or sessionId is required');

  api.post(`${p}/drop-signaling`, { schema: FaultRoutes.dropSignaling }, async (req, reply) => {
    const filter = sessionFilter(req.body);
    if (!filter) return reply.code(400).send(needSession);
    return { dropped: faults.dropSignaling(filter) };
  });

  /** Network outage on the media path of a call: every datagram of its media endpoint is dropped. */
  api.post(`${p}/block-media`, { schema: FaultRoutes.blockMedia }, async (req, reply) => {
    const { identity, callSid, ms } = req.body;
    if (!identity && !callSid) return reply.code(400).send(apiError(400, 'identity or callSid is required'));
    const blocked = faults.blockMedia({ ...(identity ? { identity } : {}), ...(callSid ? { callSid } : {}) }, ms);
    if (blocked.length === 0) return reply.code(404).send(apiError(404, 'No live call with a media endpoint matches'));
    return { blocked, ms };
  });

  /** The token of these devices expires now: 31205, and they stop ringing until updateToken. */
  api.post(`${p}/expire-token`, { schema: FaultRoutes.expireToken }, async (req, reply) => {
    const filter = sessionFilter(req.body);
    if (!filter) return reply.code(400).send(needSession);
    return { expired: faults.expireTokens(filter) };
  });

  /** The token of these devices is refused from now on (as a revoked API key's would be): 31204. */
  api.post(`${p}/revoke-token`, { schema: FaultRoutes.revokeToken }, async (req, reply) => {
    const filter = sessionFilter(req.body);
    if (!filter) return reply.code(400).send(needSession);
    return { revoked: faults.revokeTokens(filter) };
  });
}
