/** REST Applications (TwiML Apps): create, list (by FriendlyName), fetch, update and delete. */
import type { FastifyInstance } from 'fastify';
import type { AccountRegistry, ApplicationUpdate } from '../account';
import type { Emulator } from '../emulator';
import type { EmulatorApplication } from '../types';
import { first, method, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { listPage, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';

export function applicationJson(account: AccountRegistry, app: EmulatorApplication): Record<string, unknown> {
  const { created, updated } = account.dated(app.sid);
  return {
    account_sid: account.sid,
    api_version: '2010-04-01',
    date_created: rfc2822(created),
    date_updated: rfc2822(updated),
    friendly_name: app.friendlyName ?? '',
    message_status_callback: null,
    sid: app.sid,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_status_callback: null,
    sms_url: app.smsUrl ?? null,
    status_callback: app.statusCallback ?? null,
    status_callback_method: app.statusCallbackMethod ?? 'POST',
    uri: `/2010-04-01/Accounts/${account.sid}/Applications/${app.sid}.json`,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: app.voiceMethod ?? 'POST',
    voice_url: app.voiceUrl || null,
    public_application_connect_enabled: true,
  };
}

/** The fields of a create or update form this emulator keeps. */
function applicationFields(body: Form): ApplicationUpdate {
  const text = (name: string) => first(body[name]);
  const fields: ApplicationUpdate = {};
  const friendlyName = text('FriendlyName');
  const voiceUrl = text('VoiceUrl');
  const voiceMethod = text('VoiceMethod');
  const statusCallback = text('StatusCallback');
  const statusCallbackMethod = text('StatusCallbackMethod');
  const smsUrl = text('SmsUrl');
  if (friendlyName !== undefined) fields.friendlyName = friendlyName;
  if (voiceUrl !== undefined) fields.voiceUrl = voiceUrl;
  if (voiceMethod !== undefined) fields.voiceMethod = method(voiceMethod);
  if (statusCallback !== undefined) fields.statusCallback = statusCallback;
  if (statusCallbackMethod !== undefined) fields.statusCallbackMethod = method(statusCallbackMethod);
  if (smsUrl !== undefined) fields.smsUrl = smsUrl;
  return fields;
}

export function registerApplicationResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  const { account } = emulator;

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Applications.json`, async (req, reply) => {
    const created = account.createApplication(applicationFields(req.body ?? {}));
    return reply.code(201).send(applicationJson(account, created));
  });

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/Applications.json`, async (req) => {
    const { page, pageSize } = pageOf(req.query);
    const name = req.query.FriendlyName;
    const list = account.applicationList().filter((a) => name === undefined || (a.friendlyName ?? '') === name);
    return listPage('applications', list, (a) => applicationJson(account, a), `/2010-04-01/Accounts/${account.sid}/Applications.json`, page, pageSize);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/Applications/:Sid.json`, async (req, reply) => {
    const found = account.application(req.params.Sid ?? '');
    return found ? applicationJson(account, found) : notFound(req, reply);
  });

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Applications/:Sid.json`, async (req, reply) => {
    if (!account.application(req.params.Sid ?? '')) return notFound(req, reply);
    return applicationJson(account, account.updateApplication(req.params.Sid!, applicationFields(req.body ?? {})));
  });

  app.delete<{ Params: AccountParams }>(`${BASE}/Applications/:Sid.json`, async (req, reply) => {
    return account.removeApplication(req.params.Sid ?? '') ? reply.code(204).send() : notFound(req, reply);
  });
}
