/** GET /api/openapi.json: this API, described from the same route schemas that validate it. */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS } from './errors';
import { OPEN, defineRoute } from './route';

export const OpenApiDocument = Type.Object(
  {
    openapi: Type.String({ description: 'OpenAPI version, 3.1.x.' }),
    info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }),
    paths: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true, description: 'An OpenAPI 3.1 document.' },
);
export type OpenApiDocument = Static<typeof OpenApiDocument>;

export const openApiRoute = defineRoute({
  method: 'GET',
  url: '/api/openapi.json',
  schema: {
    summary: 'This API as an OpenAPI document',
    tags: ['API description'],
    security: OPEN,
    response: { 200: OpenApiDocument, ...COMMON_ERRORS },
  },
});
