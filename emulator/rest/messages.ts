/** REST Messages: send a message (POST Messages.json), list and fetch them. */
import type { FastifyInstance } from 'fastify';
import type { Emulator } from '../emulator';
import type { MessageRecord } from '../messages';
import { isE164 } from '../phones/phone';
import { fail, first, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';

export function messageJson(m: MessageRecord): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
    price: null,
    price_unit: 'USD',
    status: m.status,
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: m.to,
    uri,
  };
}

export function registerMessageResources(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'messages'>): void {
  const { account, messages } = emulator;

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Messages.json`, async (req, reply) => {
    const body = req.body ?? {};
    const to = first(body.To)?.trim();
    const from = first(body.From)?.trim();
    const text = first(body.Body);
    if (!to) return fail(reply, 400, 21604, "A 'To' phone number is required.");
    if (!isE164(to)) return fail(reply, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from) return fail(reply, 400, 21603, "A 'From' phone number is required.");
    if (!account.ownedNumber(from)) return fail(reply, 400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    if (!text) return fail(reply, 400, 21602, 'Message body is required.');
    if (text.length > 1600) return fail(reply, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const record = messages.send({ from, to, body: text, statusCallback: first(body.StatusCallback) ?? null });
    return reply.code(201).send(messageJson(record));
  });

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/Messages.json`, async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const list = [...messages.values()].reverse().filter((m) => (!q.To || m.to === q.To) && (!q.From || m.from === q.From));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return pageJson('messages', slice.map(messageJson), `/2010-04-01/Accounts/${account.sid}/Messages.json`, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/Messages/:Sid.json`, async (req, reply) => {
    const m = messages.get(req.params.Sid ?? '');
    return m ? messageJson(m) : notFound(req, reply);
  });
}
