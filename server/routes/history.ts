/**
 * The call history for the signed-in user: GET /api/calls (their view of the team's history, keyset
 * pages), POST /api/calls/seen (their missed calls seen up to a point, on all their devices) and
 * GET /api/unseen (the badge count). Contracts in contracts/api/history.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callListRoute, callsSeenRoute, unseenRoute } from '../../contracts/api/history';
import { BadCursorError } from '../history/repository';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { fromStore } from './store-errors';

const HISTORY = 'The call history';

export const historyRoutes: FastifyPluginAsyncTypebox<{ store: Store; users: UserDirectory }> = async (app, opts) => {
  const { store, users } = opts;
  const signedOut = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 401, 'signed_out', 'You are not signed in.');

  app.route({
    ...callListRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      try {
        return await fromStore(store, request, reply, HISTORY, () => store.history.list(user, request.query));
      } catch (err) {
        if (err instanceof BadCursorError) return sendError(reply, 400, 'bad_request', err.message);
        throw err;
      }
    },
  });

  app.route({
    ...callsSeenRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      const upTo = request.body.upTo === undefined ? undefined : new Date(request.body.upTo);
      if (upTo !== undefined && Number.isNaN(upTo.getTime())) return sendError(reply, 400, 'bad_request', 'upTo must be a date and time such as 2025-03-01T10:00:00Z.');
      return fromStore(store, request, reply, HISTORY, () => store.history.markSeen(user, upTo));
    },
  });

  app.route({
    ...unseenRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      // Missed calls and unread messages: the badges count both.
      return fromStore(store, request, reply, HISTORY, () => store.messages.unseen(user));
    },
  });
};
