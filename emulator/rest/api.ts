/**
 * The REST API subset (2010-04-01) with Twilio's authentication, JSON shapes and error format, so
 * the `twilio` helper library works against the emulator unchanged. One module per resource:
 * ./calls.ts, ./messages.ts (Recordings, Conferences and Participants, IncomingPhoneNumbers,
 * Applications and Keys go beside them, registered here).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Emulator } from '../emulator';
import type { EmulatorAccount } from '../types';
import { registerCallResources } from './calls';
import { fail, notFound, type AccountParams } from './form';
import { registerMessageMediaResources } from './message-media';
import { registerMessageResources } from './messages';

/** Who may call: the account SID with its auth token, or one of its API keys with the key's secret. */
export function authenticate(header: string | undefined, account: EmulatorAccount): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  if (user === account.accountSid) return pass === account.authToken;
  return account.apiKeys.some((k) => k.sid === user && k.secret === pass);
}

export function registerRestApi(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'calls' | 'apiCalls' | 'messages'>): void {
  const { account } = emulator;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/2010-04-01/')) return;
    if (!authenticate(req.headers.authorization, account.credentials)) {
      reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return fail(reply, 401, 20003, 'Authenticate');
    }
    const sid = (req.params as AccountParams).AccountSid;
    if (sid !== account.sid) return notFound(req, reply);
  });

  registerCallResources(app, emulator);
  registerMessageResources(app, emulator);
  registerMessageMediaResources(app, emulator);
}
