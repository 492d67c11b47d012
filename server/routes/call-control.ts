/**
 * Call control for signed-in users: GET /api/calls/live and POST /api/calls/:id/hold|resume|transfer|
 * transfer/complete|transfer/cancel|add|park|unpark|hangup (contracts/api/call-control.ts), over server/calls/control.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  addPartyRoute, cancelTransferRoute, completeTransferRoute, hangUpParkedRoute, holdRoute, liveCallListRoute, parkRoute, resumeRoute, transferRoute,
  unparkRoute,
} from '../../contracts/api/call-control';
import type { CallControl } from '../calls/control';
import type { Request } from '../calls/plan';
import { checkTarget } from '../calls/target';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { voiceContext } from './voice';
import { fromStore } from './store-errors';

export const callControlRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; store: Store; users: UserDirectory; control: CallControl }> = async (app, opts) => {
  const { store, users, control } = opts;
  const context = voiceContext(opts.config);

  app.route({
    ...liveCallListRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      reply.header('cache-control', 'no-store');
      return fromStore(store, request, reply, 'Live calls', async () => ({ items: await control.live(user) }));
    },
  });

  /** Signed in, then the request planned and run; a call the user is not in is 404 whatever its state. */
  async function act(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, make: (user: string) => Request | FastifyReply) {
    const user = currentIdentity(request, users.names);
    if (user === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
    const asked = make(user);
    if (!('kind' in asked)) return asked;
    return fromStore(store, request, reply, 'Call control', async () => {
      const result = await control.request(user, request.params.id, asked);
      if (!result.ok) return sendError(reply, result.status, result.code, result.message);
      return result.liveCall;
    });
  }

  const targetOr = (reply: FastifyReply, user: string, to: string, make: (t: Extract<Request, { kind: 'add' }>['to']) => Request) => {
    const check = checkTarget(user, to, { ...context, available: store.team.available() });
    return check.ok ? make(check.target) : sendError(reply, 400, check.code, check.message);
  };

  app.route({ ...holdRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'hold' })) });
  app.route({ ...resumeRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'resume' })) });
  app.route({ ...parkRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'park' })) });
  app.route({ ...unparkRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'unpark' })) });
  app.route({ ...hangUpParkedRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'hangup' })) });
  app.route({ ...completeTransferRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'complete' })) });
  app.route({ ...cancelTransferRoute, handler: (request, reply) => act(request, reply, () => ({ kind: 'cancel' })) });
  app.route({
    ...transferRoute,
    bodyLimit: 1024,
    handler: (request, reply) =>
      act(request, reply, (user) => targetOr(reply, user, request.body.to, (to) => ({ kind: 'transfer', to, mode: request.body.mode ?? 'blind' }))),
  });
  app.route({
    ...addPartyRoute,
    bodyLimit: 1024,
    handler: (request, reply) => act(request, reply, (user) => targetOr(reply, user, request.body.to, (to) => ({ kind: 'add', to }))),
  });
};
