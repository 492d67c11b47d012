/**
 * REST Messages: send (POST Messages.json), list with Twilio's filters, fetch, redact (POST with an
 * empty Body) and delete; the Media subresource is in ./message-media.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Emulator } from '../emulator';
import { characterCount } from '../messages/segments';
import { MAX_MEDIA_PER_MESSAGE } from '../messages/media';
import { numSegments, type MessageRecord } from '../messages/store';
import { isE164 } from '../phones/phone';
import { all, fail, first, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';
const MAX_BODY_CHARACTERS = 1600;

export function messageUri(m: Pick<MessageRecord, 'accountSid' | 'sid'>): string {
  return `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
}

export function messageJson(m: MessageRecord): Record<string, unknown> {
  const uri = messageUri(m);
  return {
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
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(Math.max(m.media.length, m.mediaUrls.length)),
    // Through a Messaging Service the count is 0 until a sender has been chosen.
    num_segments: m.status === 'accepted' ? '0' : String(numSegments(m)),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json'), feedback: uri.replace(/\.json$/, '/Feedback.json') },
    to: m.to,
    uri,
  };
}

function absoluteUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The DateSent filters as the `twilio` library sends them: `DateSent`, `DateSent<` (on or before) and
 * `DateSent>` (on or after), each a day (YYYY-MM-DD, whole UTC day) or an instant.
 */
export function dateSentFilter(query: Query): (sent: Date | null) => boolean {
  const bound = (raw: string | undefined, edge: 'start' | 'end'): number | null => {
    if (raw === undefined || raw === '') return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
      const start = Date.parse(`${raw}T00:00:00Z`);
      return edge === 'start' ? start : start + 86_400_000 - 1;
    }
    const t = Date.parse(raw);
    return Number.isNaN(t) ? null : t;
  };
  const exact = query.DateSent?.slice(0, 10);
  const before = bound(query['DateSent<'], 'end');
  const after = bound(query['DateSent>'], 'start');
  return (sent) => {
    if (exact === undefined && before === null && after === null) return true;
    if (!sent) return false;
    const t = sent.getTime();
    return (exact === undefined || sent.toISOString().slice(0, 10) === exact) && (before === null || t <= before) && (after === null || t >= after);
  };
}

export function registerMessageResources(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'messages'>): void {
  const { account, messages } = emulator;

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Messages.json`, async (req, reply) => {
    const form = req.body ?? {};
    const to = first(form.To)?.trim();
    const from = first(form.From)?.trim() || undefined;
    const serviceSid = first(form.MessagingServiceSid)?.trim() || undefined;
    const body = first(form.Body) ?? '';
    const mediaUrls = all(form.MediaUrl).map((u) => u.trim()).filter(Boolean);
    const statusCallback = first(form.StatusCallback)?.trim() || undefined;
    if (!to) return fail(reply, 400, 21604, "A 'To' phone number is required.");
    if (!isE164(to)) return fail(reply, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !serviceSid) return fail(reply, 400, 21603, "A 'From' phone number is required.");
    if (!body && mediaUrls.length === 0) return fail(reply, 400, 21619, 'A text message body or media urls must be specified.');
    if (characterCount(body) > MAX_BODY_CHARACTERS) return fail(reply, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (mediaUrls.length > MAX_MEDIA_PER_MESSAGE) return fail(reply, 400, 21623, `Number of media files exceeds allowed limit of ${MAX_MEDIA_PER_MESSAGE}.`);
    const badMedia = mediaUrls.find((u) => !absoluteUrl(u));
    if (badMedia) return fail(reply, 400, 21620, `Invalid media URL(s): ${badMedia}`);
    if (statusCallback && !absoluteUrl(statusCallback)) return fail(reply, 400, 21609, `Invalid StatusCallback url: ${statusCallback}`);
    if (first(form.SendAt) || first(form.ScheduleType)) return fail(reply, 400, 35111, 'Scheduled messages are not supported by this emulator.');
    const sent = messages.send({
      to, body, mediaUrls, direction: 'outbound-api',
      ...(from ? { from } : {}),
      ...(serviceSid ? { messagingServiceSid: serviceSid } : {}),
      ...(statusCallback ? { statusCallback } : {}),
    });
    if (!sent.ok) return fail(reply, 400, sent.code, sent.message);
    return reply.code(201).send(messageJson(sent.record));
  });

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/Messages.json`, async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const sentMatches = dateSentFilter(q);
    const list = messages.store.list().filter((m) => (!q.To || m.to === q.To) && (!q.From || m.from === q.From) && sentMatches(m.dateSent));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    const filters = Object.fromEntries(['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'].flatMap((k) => (q[k] ? [[k, q[k]!]] : [])));
    return pageJson('messages', slice.map(messageJson), `/2010-04-01/Accounts/${account.sid}/Messages.json`, page, pageSize, list.length > (page + 1) * pageSize, filters);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/Messages/:Sid.json`, async (req, reply) => {
    const m = messages.get(req.params.Sid ?? '');
    return m ? messageJson(m) : notFound(req, reply);
  });

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/Messages/:Sid.json`, async (req, reply) => {
    const m = messages.get(req.params.Sid ?? '');
    if (!m) return notFound(req, reply);
    const form = req.body ?? {};
    const status = first(form.Status);
    const body = first(form.Body);
    if (status !== undefined) {
      if (status !== 'canceled') return fail(reply, 400, 21100, `Invalid Status: ${status}. Only canceled is accepted.`);
      return fail(reply, 400, 30409, 'This message cannot be canceled: only scheduled messages can be.');
    }
    if (body !== undefined) {
      if (body !== '') return fail(reply, 400, 21100, 'A message body can only be updated to an empty string (redaction).');
      if (!messages.store.redact(m)) return fail(reply, 400, 20009, 'Cannot redact message because delivery has not been completed.');
    }
    return messageJson(m);
  });

  app.delete<{ Params: AccountParams }>(`${BASE}/Messages/:Sid.json`, async (req, reply) => {
    const outcome = messages.store.remove(req.params.Sid ?? '');
    if (outcome === 'missing') return notFound(req, reply);
    if (outcome === 'in-progress') return fail(reply, 400, 20009, 'Cannot delete message because delivery has not been completed.');
    return reply.code(204).send();
  });
}
