import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { healthRoute } from '../../contracts/api/health';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...healthRoute,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { ok: true } as const;
    },
  });
};
