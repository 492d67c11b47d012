/** REST Calls: create (POST Calls.json), list, fetch, and update (end or redirect) a call. */
import type { FastifyInstance } from 'fastify';
import type { Call } from '../calls/call';
import type { Emulator } from '../emulator';
import { isE164 } from '../phones/phone';
import type { Method, StatusCallbackSpec } from '../twiml/verbs';
import { all, fail, first, method, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';

export function callJson(call: Call): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}.json`;
  const duration = call.durationSeconds;
  return {
    sid: call.sid,
    date_created: rfc2822(call.createdAt),
    date_updated: rfc2822(call.endTime ?? call.answeredAt ?? call.startTime ?? call.createdAt),
    parent_call_sid: call.parentSid,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: null,
    status: call.status,
    // When the call started (was dialled or started ringing), as Twilio reports it; not when it was answered.
    start_time: rfc2822(call.startTime ?? call.answeredAt),
    end_time: rfc2822(call.endTime),
    duration: duration === null ? null : String(duration),
    price: null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri,
    subresource_uris: {
      notifications: uri.replace('.json', '/Notifications.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
      events: uri.replace('.json', '/Events.json'),
    },
  };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The list's time filters as Twilio takes them: StartTime / EndTime with an optional `>` (on or after) or `<`
 * (on or before), each a date (YYYY-MM-DD, the whole UTC day) or a date and time. A call without that time
 * (not started, not ended) is left out by a filter on it. Returns the predicates, or what is wrong.
 */
export function timeFilters(q: Query): ((call: Call) => boolean)[] | string {
  const out: ((call: Call) => boolean)[] = [];
  for (const field of ['StartTime', 'EndTime'] as const) {
    for (const op of ['', '>', '<'] as const) {
      const raw = q[`${field}${op}`];
      if (raw === undefined) continue;
      const ms = Date.parse(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw);
      if (!Number.isFinite(ms)) return `${field}${op} is not a date: ${raw}`;
      const day = DATE_ONLY.test(raw) ? 86_400_000 : 1000;
      const value = (c: Call) => (field === 'StartTime' ? (c.startTime ?? c.answeredAt) : c.endTime)?.getTime();
      out.push((c) => {
        const t = value(c);
        if (t === undefined) return false;
        // Twilio reports times to the second: compare at that precision.
        const s = Math.floor(t / 1000) * 1000;
        return op === '>' ? s >= ms : op === '<' ? s < ms + day : s >= ms && s < ms + day;
      });
    }
  }
  return out;
}

export function registerCallResources(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'calls' | 'apiCalls'>): void {
  const { account, calls, apiCalls } = emulator;

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Calls.json`, async (req, reply) => {
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
      const app = account.application(applicationSid);
      if (!app) return fail(reply, 400, 21218, `Invalid ApplicationSid: ${applicationSid}`);
      voice = account.applicationVoice(app);
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
    const call = apiCalls.create({
      to, from, method: voice?.method ?? 'POST', timeout,
      ...(voice ? { url: voice.url } : {}),
      ...(twiml !== undefined && !voice ? { twiml } : {}),
      ...(statusCallback ? { statusCallback } : {}),
      ...(applicationSid ? { applicationSid } : {}),
    });
    return reply.code(201).send(callJson(call));
  });

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/Calls.json`, async (req, reply) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const times = timeFilters(q);
    if (typeof times === 'string') return fail(reply, 400, 20001, times);
    const list = [...calls.values()].reverse().filter((c) =>
      (!q.To || c.to === q.To) && (!q.From || c.from === q.From) && (!q.Status || c.status === q.Status) && (!q.ParentCallSid || c.parentSid === q.ParentCallSid) &&
      times.every((t) => t(c)));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    const filters = Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && !['Page', 'PageSize', 'PageToken'].includes(e[0])));
    return pageJson('calls', slice.map(callJson), `/2010-04-01/Accounts/${account.sid}/Calls.json`, page, pageSize, list.length > (page + 1) * pageSize, filters);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/Calls/:Sid.json`, async (req, reply) => {
    const call = calls.get(req.params.Sid ?? '');
    return call ? callJson(call) : notFound(req, reply);
  });

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Calls/:Sid.json`, async (req, reply) => {
    const call = calls.get(req.params.Sid ?? '');
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
    await apiCalls.update(call, {
      ...(status ? { status: status as 'completed' | 'canceled' } : {}),
      ...(url !== undefined ? { url, method: method(first(body.Method)) } : {}),
      ...(twiml !== undefined ? { twiml } : {}),
    });
    return callJson(call);
  });
}
