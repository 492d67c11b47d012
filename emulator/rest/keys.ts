/** REST Keys: create a Standard API key (its secret is in that one answer), list, fetch, rename and delete keys. */
import type { FastifyInstance } from 'fastify';
import type { AccountRegistry } from '../account';
import type { Emulator } from '../emulator';
import type { EmulatorApiKey } from '../types';
import { first, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { listPage, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';

export function keyJson(account: AccountRegistry, key: EmulatorApiKey): Record<string, unknown> {
  const { created, updated } = account.dated(key.sid);
  return { sid: key.sid, friendly_name: key.friendlyName ?? '', date_created: rfc2822(created), date_updated: rfc2822(updated) };
}

export function registerKeyResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  const { account } = emulator;

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Keys.json`, async (req, reply) => {
    const key = account.createApiKey(first(req.body?.FriendlyName));
    return reply.code(201).send({ ...keyJson(account, key), secret: key.secret });
  });

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/Keys.json`, async (req) => {
    const { page, pageSize } = pageOf(req.query);
    return listPage('keys', account.apiKeyList(), (k) => keyJson(account, k), `/2010-04-01/Accounts/${account.sid}/Keys.json`, page, pageSize);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/Keys/:Sid.json`, async (req, reply) => {
    const key = account.apiKey(req.params.Sid ?? '');
    return key ? keyJson(account, key) : notFound(req, reply);
  });

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Keys/:Sid.json`, async (req, reply) => {
    const key = account.updateApiKey(req.params.Sid ?? '', first(req.body?.FriendlyName));
    return key ? keyJson(account, key) : notFound(req, reply);
  });

  app.delete<{ Params: AccountParams }>(`${BASE}/Keys/:Sid.json`, async (req, reply) => {
    return account.removeApiKey(req.params.Sid ?? '') ? reply.code(204).send() : notFound(req, reply);
  });
}
