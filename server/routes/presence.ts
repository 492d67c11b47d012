/**
 * Availability: GET /api/presence (everyone, from this replica's memory, so it answers even while the
 * database is away) and PUT /api/presence/me (written to the database first, so every replica routes by it).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presenceListRoute, setAvailabilityRoute } from '../../contracts/api/presence';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { fromStore } from './store-errors';

export const presenceRoutes: FastifyPluginAsyncTypebox<{ store: Store; users: UserDirectory }> = async (app, opts) => {
  const { store, users } = opts;

  app.route({
    ...presenceListRoute,
    handler: async (request, reply) => {
      if (currentIdentity(request, users.names) === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      reply.header('cache-control', 'no-store');
      return { items: store.team.list() };
    },
  });

  app.route({
    ...setAvailabilityRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      const presence = await fromStore(store, request, reply, 'Availability', () => store.team.setAvailability(user, request.body.availability));
      request.log.info({ event: 'availability', user, availability: request.body.availability }, 'availability changed');
      return presence;
    },
  });
};
