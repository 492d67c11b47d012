/**
 * Collects every route's schema as routes are registered (@fastify/swagger), so the OpenAPI document is
 * generated from the very schemas that validate requests. Register before any route. Only routes tagged
 * with the app's tags (contracts/api/route.ts) are documented: the app's files and ringtones carry none,
 * and the local stand-in for Twilio, mounted on the same server in local mode, describes its own API.
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { TAGS } from '../../contracts/api/route';
import type { AppConfig } from '../config';
import { sessionCookieName } from './session';

const isAppTag = (tag: string) => Object.hasOwn(TAGS, tag);

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export async function registerOpenApi(app: FastifyInstance, config: AppConfig): Promise<void> {
  const secure = new URL(config.publicBaseUrl).protocol === 'https:';
  await app.register(swagger, {
    hideUntagged: true,
    transform: ({ schema, url }) => ({
      schema: { ...schema, hide: schema?.hide === true || !(schema?.tags ?? []).every(isAppTag) },
      url,
    }),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Softphone HTTP API',
        version: PACKAGE.version,
        description:
          'The browser API (JSON; state-changing requests need Content-Type: application/json and a same-origin Origin) ' +
          'and the Twilio voice webhooks (form-encoded, signed). Every error is `{ error, code }` JSON.',
      },
      servers: [{ url: config.publicBaseUrl }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(secure), description: 'Set by POST /api/session.' },
          twilioSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Twilio-Signature',
            description: "HMAC-SHA1 of the URL Twilio called and the form parameters, keyed with the account's auth token.",
          },
        },
      },
    },
  });
}
