/**
 * GET /api/openapi.json is generated from the registered routes' schemas: every /api route and every
 * contract is in it, with the contract's parameters, bodies, answers and security, and no secret.
 */
// The swagger plugin's types add summary and tags to route schemas.
import type {} from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, TAGS } from '../../contracts/api';
import type { MediaResponse, RouteContract } from '../../contracts/api';
import { testApp } from '../../test-support/app-requests';
import type { AppConfig } from '../config';
import { sessionKey } from '../plugins/session';
import { PASSWORDS, localConfig, twilioConfig } from '../../test-support/server-fixtures';

interface Registered {
  method: string;
  url: string;
  schema: unknown;
}

async function appWithRoutes(config: AppConfig): Promise<{ app: FastifyInstance; routes: Registered[] }> {
  const { app } = await testApp(config, { webRoot: '/nonexistent' });
  const routes: Registered[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema });
  });
  await app.ready();
  return { app, routes };
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown } }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
}

let config: AppConfig;
let app: FastifyInstance;
let routes: Registered[];
let doc: Document;

beforeAll(async () => {
  config = await twilioConfig();
  ({ app, routes } = await appWithRoutes(config));
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => app.close());

/** A TypeBox schema read as the JSON Schema it is. */
const jsonSchema = (schema: unknown) =>
  schema as { type?: string; properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown } | undefined;

/** A Fastify path as OpenAPI writes it: `/api/voicemails/:id` is `/api/voicemails/{id}`. */
const documentedPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const operation = (method: string, url: string): Operation | undefined => doc.paths[documentedPath(url)]?.[method.toLowerCase()];
const named = (r: { method: string; url: string }) => `${r.method} ${documentedPath(r.url)}`;

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document, open to all, served as JSON and revalidated', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Softphone HTTP API');
    expect(doc.servers).toEqual([{ url: config.publicBaseUrl }]);
    expect(res.body).toBe((await app.inject({ method: 'GET', url: '/api/openapi.json' })).body);
  });

  it('lists every /api route the app registers, and every webhook', () => {
    const served = routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && /^\/(api|handle_calls|handle_sms)(\/|$)/.test(r.url));
    expect(served.length).toBeGreaterThanOrEqual(8);
    const missing = served.filter((r) => operation(r.method, r.url) === undefined).map(named);
    expect(missing).toEqual([]);
  });

  it('lists nothing the app does not serve, and leaves out the app files and ringtones', () => {
    const documented = Object.entries(doc.paths).flatMap(([url, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${url}`));
    expect(documented.filter((entry) => !routes.some((r) => `${r.method} ${documentedPath(r.url)}` === entry))).toEqual([]);
    for (const url of ['/', '/*', '/sounds/{file}', '/sounds/:file']) expect(doc.paths[url], url).toBeUndefined();
  });

  it('leaves out routes mounted beside the app with tags of their own (the local stand-in for Twilio)', async () => {
    const { app: mounted } = await testApp(config, { webRoot: '/nonexistent' });
    mounted.get('/emulator/api/calls', { schema: { summary: 'Calls', tags: ['Emulator control'] } }, async () => []);
    await mounted.ready();
    const paths = (await mounted.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
    expect(Object.keys(paths).sort()).toEqual(Object.keys(doc.paths).sort());
    await mounted.close();
  });

  it('names the declared tags and security schemes only', () => {
    const tags = new Set(doc.tags.map((t) => t.name));
    expect([...tags].sort()).toEqual(Object.keys(TAGS).sort());
    for (const [url, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const tag of op.tags ?? []) expect(tags.has(tag), `${method} ${url}: tag ${tag}`).toBe(true);
        for (const requirement of op.security ?? []) {
          for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes, `${method} ${url}`).toHaveProperty(scheme);
        }
      }
    }
  });
});

describe('every contract is served with its own schema and documented from it', () => {
  const contracts: [string, RouteContract][] = API_ROUTES.map((r) => [named(r), r]);

  it.each(contracts)('%s', (_name, contract) => {
    const route = routes.find((r) => r.method === contract.method && r.url === contract.url);
    expect(route, 'registered').toBeDefined();
    expect(route!.schema, 'validated and serialized by the contract itself').toBe(contract.schema);

    const op = operation(contract.method, contract.url)!;
    expect(op.summary).toBe(contract.schema.summary);
    expect(op.tags).toEqual(contract.schema.tags);
    expect(op.security).toEqual(contract.schema.security);
    expect(Object.keys(op.responses).sort()).toEqual(Object.keys(contract.schema.response).sort());
    for (const [status, answer] of Object.entries(contract.schema.response)) {
      const types = 'content' in answer ? Object.keys((answer as MediaResponse).content) : jsonSchema(answer)!.type === 'null' ? [] : ['application/json'];
      expect(Object.keys(op.responses[status]!.content ?? {}), `${status} media types`).toEqual(types);
    }

    const body = jsonSchema(contract.schema.body);
    if (body === undefined) {
      expect(op.requestBody).toBeUndefined();
    } else {
      const content = op.requestBody!.content;
      const mediaType = contract.schema.consumes?.[0] ?? 'application/json';
      expect(Object.keys(content)).toEqual([mediaType]);
      expect(Object.keys(content[mediaType]!.schema.properties ?? {})).toEqual(Object.keys(body.properties ?? {}));
      expect(content[mediaType]!.schema.required ?? []).toEqual(body.required ?? []);
      expect(content[mediaType]!.schema.additionalProperties).toEqual(body.additionalProperties);
    }

    const query = jsonSchema(contract.schema.querystring);
    expect((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)).toEqual(Object.keys(query?.properties ?? {}));
    const path = jsonSchema(contract.schema.params);
    expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(Object.keys(path?.properties ?? {}));
  });
});

describe('the document holds no secret', () => {
  it.each([['twilio'], ['local']] as const)('%s mode', async (mode) => {
    const modeConfig = mode === 'twilio' ? config : localConfig({ DEMO_PASSWORD: 'local-demo-password' });
    const { app: modeApp } = await appWithRoutes(modeConfig);
    const text = (await modeApp.inject({ method: 'GET', url: '/api/openapi.json' })).body;
    await modeApp.close();
    const key = sessionKey(modeConfig.sessionSecret);
    const secrets: [string, string | undefined][] = [
      ['API key secret', modeConfig.account.apiKeySecret],
      ['auth token', modeConfig.account.authToken],
      ['session secret', modeConfig.sessionSecret],
      ['session key', key.toString('hex')],
      ['session key', key.toString('base64')],
      ['demo password', modeConfig.demoPassword],
      ...Object.values(PASSWORDS).map((p): [string, string] => ['password', p]),
      ...modeConfig.users.map((u): [string, string | undefined] => [`${u.name}'s password hash`, u.passwordHash]),
    ];
    const found = secrets.filter(([, value]) => value !== undefined && value.length >= 8 && text.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
    expect(text.length).toBeGreaterThan(1000);
  });
});
