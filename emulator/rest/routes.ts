/**
 * The REST API subset (2010-04-01 Calls and Messages) with Twilio's authentication, JSON shapes
 * and error format, so the `twilio` helper library works against the emulator unchanged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallEngine } from '../calls/engine';
import type { CallStatus } from '../calls/call';
import type { MessageStore } from '../messages';
import type { Method, StatusCallbackSpec } from '../twiml/verbs';
import { isE164 } from '../phones';
import { callJson, messageJson, pageJson, twilioError } from './shapes';

type Form = Record<string, string | string[] | undefined>;
type Params = { AccountSid: string; Sid?: string };

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Who may call: the account SID with its auth token, or one of its API keys with the key's secret. */
export function authenticate(header: string | undefined, account: { accountSid: string; authToken: string; apiKeys: { sid: string; secret: string }[] }): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  if (user === account.accountSid) return pass === account.authToken;
  return account.apiKeys.some((k) => k.sid === user && k.secret === pass);
}

function method(v: string | undefined): Method {
  return v?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

function pageOf(query: Record<string, string | undefined>): { page: number; pageSize: number } {
  const pageSize = Math.min(1000, Math.max(1, Number(query.PageSize ?? 50) || 50));
  const page = Math.max(0, Number(query.Page ?? 0) || 0);
  return { page, pageSize };
}

export function registerRestRoutes(app: FastifyInstance, engine: CallEngine, messages: MessageStore): void {
  const account = engine.options.account;
  const base = '/2010-04-01/Accounts/:AccountSid';

  const fail = (reply: FastifyReply, status: number, code: number, message: string) => reply.code(status).send(twilioError(status, code, message));

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/2010-04-01/')) return;
    if (!authenticate(req.headers.authorization, account)) {
      reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return fail(reply, 401, 20003, 'Authenticate');
    }
    const sid = (req.params as Params).AccountSid;
    if (sid !== account.accountSid) return fail(reply, 404, 20404, `The requested resource ${req.url.split('?')[0]} was not found`);
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply) => fail(reply, 404, 20404, `The requested resource ${req.url.split('?')[0]} was not found`);

  app.post<{ Params: Params; Body: Form }>(`${base}/Calls.json`, async (req, reply) => {
    const body = req.body ?? {};
    const to = first(body.To)?.trim();
    const from = first(body.From)?.trim();
    const url = first(body.Url);
    const twiml = first(body.Twiml);
    const applicationSid = first(body.ApplicationSid);
    if (!to) return fail(reply, 400, 21201, "No 'To' number is specified");
    if (!from) return fail(reply, 400, 21213, "No 'From' number is specified");
    if (!to.startsWith('client:') && !isE164(to)) return fail(reply, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    let voice: { url: string; method: Method } | null = null;
    if (applicationSid) {
      const app = engine.options.applications.find((a) => a.sid === applicationSid);
      if (!app) return fail(reply, 400, 21218, `Invalid ApplicationSid: ${applicationSid}`);
      voice = { url: app.voiceUrl, method: app.voiceMethod ?? 'POST' };
    } else if (url) {
      try {
        voice = { url: new URL(url).toString(), method: method(first(body.Method)) };
      } catch {
        return fail(reply, 400, 21205, `Url is not a valid URL: ${url}`);
      }
    } else if (twiml === undefined) {
      return fail(reply, 400, 21205, 'Either Url, Twiml or ApplicationSid is required');
    }
    const scUrl = first(body.StatusCallback);
    const events = all(body.StatusCallbackEvent).flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const statusCallback: StatusCallbackSpec | undefined = scUrl
      ? { url: scUrl, method: method(first(body.StatusCallbackMethod)), events: (events.length ? events : ['completed']) as StatusCallbackSpec['events'] }
      : undefined;
    const timeout = Math.min(600, Math.max(1, Number(first(body.Timeout) ?? 60) || 60));
    const call = engine.createApiCall({
      to, from, method: voice?.method ?? 'POST', timeout,
      ...(voice ? { url: voice.url } : {}),
      ...(twiml !== undefined && !voice ? { twiml } : {}),
      ...(statusCallback ? { statusCallback } : {}),
      ...(applicationSid ? { applicationSid } : {}),
    });
    return reply.code(201).send(callJson(call));
  });

  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>(`${base}/Calls.json`, async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const calls = [...engine.calls.values()].reverse().filter((c) =>
      (!q.To || c.to === q.To) && (!q.From || c.from === q.From) && (!q.Status || c.status === q.Status) && (!q.ParentCallSid || c.parentSid === q.ParentCallSid));
    const slice = calls.slice(page * pageSize, (page + 1) * pageSize);
    return pageJson('calls', slice.map(callJson), `/2010-04-01/Accounts/${account.accountSid}/Calls.json`, page, pageSize, calls.length > (page + 1) * pageSize);
  });

  app.get<{ Params: Params }>(`${base}/Calls/:Sid.json`, async (req, reply) => {
    const call = engine.calls.get(req.params.Sid ?? '');
    return call ? callJson(call) : notFound(req, reply);
  });

  app.post<{ Params: Params; Body: Form }>(`${base}/Calls/:Sid.json`, async (req, reply) => {
    const call = engine.calls.get(req.params.Sid ?? '');
    if (!call) return notFound(req, reply);
    const body = req.body ?? {};
    const status = first(body.Status);
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      return fail(reply, 400, 21220, `Invalid Status: ${status}. Use completed or canceled`);
    }
    const url = first(body.Url);
    const twiml = first(body.Twiml);
    if ((url !== undefined || twiml !== undefined) && call.isOver) {
      return fail(reply, 400, 21220, 'Call is not in-progress. Cannot redirect.');
    }
    await engine.updateApiCall(call, {
      ...(status ? { status: status as 'completed' | 'canceled' } : {}),
      ...(url !== undefined ? { url, method: method(first(body.Method)) } : {}),
      ...(twiml !== undefined ? { twiml } : {}),
    });
    return callJson(call);
  });

  app.post<{ Params: Params; Body: Form }>(`${base}/Messages.json`, async (req, reply) => {
    const body = req.body ?? {};
    const to = first(body.To)?.trim();
    const from = first(body.From)?.trim();
    const text = first(body.Body);
    if (!to) return fail(reply, 400, 21604, "A 'To' phone number is required.");
    if (!isE164(to)) return fail(reply, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from) return fail(reply, 400, 21603, "A 'From' phone number is required.");
    if (!engine.ownedNumber(from)) return fail(reply, 400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    if (!text) return fail(reply, 400, 21602, 'Message body is required.');
    if (text.length > 1600) return fail(reply, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const record = messages.send({ from, to, body: text, statusCallback: first(body.StatusCallback) ?? null });
    return reply.code(201).send(messageJson(record));
  });

  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>(`${base}/Messages.json`, async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const list = [...messages.messages.values()].reverse().filter((m) => (!q.To || m.to === q.To) && (!q.From || m.from === q.From));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return pageJson('messages', slice.map(messageJson), `/2010-04-01/Accounts/${account.accountSid}/Messages.json`, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.get<{ Params: Params }>(`${base}/Messages/:Sid.json`, async (req, reply) => {
    const m = messages.messages.get(req.params.Sid ?? '');
    return m ? messageJson(m) : notFound(req, reply);
  });
}

export type { CallStatus };
