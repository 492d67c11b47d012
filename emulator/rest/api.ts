/**
 * The REST API subset with Twilio's authentication, JSON shapes and error format, so the `twilio`
 * helper library works against the emulator unchanged. One module per resource, registered here:
 * 2010-04-01 Calls, Messages, Recordings, Conferences (and Participants), Accounts, Keys, Applications and
 * IncomingPhoneNumbers; the v1 Monitor Alerts and Voice DialingPermissions (their own hosts at Twilio,
 * one origin here; the paths do not meet).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Emulator } from '../emulator';
import type { EmulatorAccount } from '../types';
import { registerCallResources } from './calls';
import { registerConferenceResources } from './conferences';
import { fail, notFound, type AccountParams } from './form';
import { registerMessageMediaResources } from './message-media';
import { registerMessageResources } from './messages';
import { registerAccountResources } from './accounts';
import { registerAlertResources } from './alerts';
import { registerApplicationResources } from './applications';
import { registerDialingPermissionResources } from './dialing-permissions';
import { registerIncomingNumberResources } from './incoming-phone-numbers';
import { registerKeyResources } from './keys';

import { registerRecordingResources } from './recordings';

const REST_PREFIXES = ['/2010-04-01/', '/v1/Alerts', '/v1/DialingPermissions/'];

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

export function registerRestApi(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'calls' | 'apiCalls' | 'messages' | 'conferences' | 'conferenceDialer' | 'recordings'>): void {
  const { account } = emulator;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!REST_PREFIXES.some((prefix) => req.url.startsWith(prefix))) return;
    if (!authenticate(req.headers.authorization, account.credentials)) {
      reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return fail(reply, 401, 20003, 'Authenticate');
    }
    const sid = (req.params as Partial<AccountParams>).AccountSid;
    if (sid !== undefined && sid !== account.sid) return notFound(req, reply);
  });
  // Twilio's clock, as a client sees it in the Date header (POST /emulator/api/account/clock skews it).
  app.addHook('onSend', async (req, reply) => {
    if (account.clockOffsetSeconds !== 0 && REST_PREFIXES.some((prefix) => req.url.startsWith(prefix))) {
      reply.header('date', account.now().toUTCString());
    }
  });

  registerCallResources(app, emulator);
  registerMessageResources(app, emulator);
  registerAccountResources(app, emulator);
  registerKeyResources(app, emulator);
  registerApplicationResources(app, emulator);
  registerIncomingNumberResources(app, emulator);
  registerAlertResources(app, emulator);
  registerDialingPermissionResources(app, emulator);
  registerConferenceResources(app, emulator);
  registerRecordingResources(app, emulator);
  registerMessageMediaResources(app, emulator);
}
