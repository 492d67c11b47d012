/** GET /healthz: 200 while calls can connect; `database` tells monitors when the store is degraded. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { healthRoute } from '../../contracts/api/health';
import type { Store } from '../store/store';

export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, opts) => {
  const { store } = opts;
  app.route({
    ...healthRoute,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      const degraded = store.health.status === 'degraded' || store.migration === undefined;
      return {
        ok: true,
        database: { status: degraded ? 'degraded' : 'ok', since: store.health.since.toISOString(), kind: store.where.kind },
      } as const;
    },
  });
};
