/** The OpenAPI document, generated from the registered routes' schemas (plugins/openapi.ts). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { openApiRoute } from '../../contracts/api/openapi';
import type { OpenApiDocument } from '../../contracts/api/openapi';

export const openApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...openApiRoute,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      // Built on first use, once every route is registered, and cached by @fastify/swagger.
      return app.swagger() as OpenApiDocument;
    },
  });
};
