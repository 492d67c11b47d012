/**
 * REST Recordings: list (Recordings.json, Calls/{CallSid}/Recordings.json), fetch and delete
 * (Recordings/{Sid}.json, Calls/{CallSid}/Recordings/{Sid}.json), and the media: Recordings/{Sid}
 * with .wav or .mp3 (no extension is WAV, as at Twilio), whole or by byte range.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Emulator } from '../emulator';
import { recordingMedia, sendMedia, type MediaFormat } from '../recordings/media';
import type { Recording } from '../recordings/store';
import { fail, notFound, pageOf, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';
type Params = { AccountSid: string; CallSid?: string; file: string };

export function recordingJson(r: Recording, callScoped = false): Record<string, unknown> {
  const uri = callScoped
    ? `/2010-04-01/Accounts/${r.accountSid}/Calls/${r.callSid}/Recordings/${r.sid}.json`
    : `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}.json`;
  const own = `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}`;
  return {
    account_sid: r.accountSid,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    conference_sid: null,
    channels: 1,
    date_created: rfc2822(r.startTime),
    date_updated: rfc2822(r.dateUpdated),
    start_time: rfc2822(r.startTime),
    price: null,
    price_unit: 'USD',
    // Twilio reports -1 while a recording is in progress.
    duration: r.durationSeconds === null ? '-1' : String(r.durationSeconds),
    sid: r.sid,
    source: 'RecordVerb',
    status: r.status,
    error_code: r.errorCode,
    encryption_details: null,
    uri,
    ...(callScoped
      ? { track: 'inbound' }
      : {
        subresource_uris: { add_on_results: `${own}/AddOnResults.json`, transcriptions: `${own}/Transcriptions.json` },
        media_url: r.mediaUrl,
      }),
  };
}

/** `DateCreated`, `DateCreated<` and `DateCreated>` (what `<=` and `>=` parse as): a day, or a moment, in UTC. */
export function dateFilter(query: Query): ((d: Date) => boolean) | { error: string } {
  const tests: ((d: Date) => boolean)[] = [];
  for (const [key, test] of [
    ['DateCreated', (d: Date, at: Date) => sameUtcDay(d, at)],
    ['DateCreated<', (d: Date, at: Date) => d.getTime() <= at.getTime()],
    ['DateCreated>', (d: Date, at: Date) => d.getTime() >= at.getTime()],
  ] as const) {
    const raw = query[key];
    if (raw === undefined) continue;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
    const at = new Date(day ? `${raw}T00:00:00Z` : raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) return { error: `Invalid ${key}: ${raw}. Use YYYY-MM-DD or an ISO 8601 date and time` };
    tests.push((d) => test(d, at));
  }
  return (d) => tests.every((t) => t(d));
}

const sameUtcDay = (a: Date, b: Date) => a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10);

/** "RE….json" → json; "RE….wav" / "RE….mp3" → media; "RE…" → WAV media. */
function splitFile(file: string): { sid: string; kind: 'json' | MediaFormat } | null {
  const m = /^(RE[0-9a-f]{32})(?:\.(json|wav|mp3))?$/.exec(file);
  if (!m) return null;
  return { sid: m[1]!, kind: (m[2] as 'json' | MediaFormat | undefined) ?? 'wav' };
}

export function registerRecordingResources(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'recordings'>): void {
  const { recordings } = emulator;

  const find = (req: FastifyRequest<{ Params: Params }>): { recording: Recording; kind: 'json' | MediaFormat } | null => {
    const file = splitFile(req.params.file);
    const recording = file ? recordings.get(file.sid) : undefined;
    if (!file || !recording || recording.accountSid !== req.params.AccountSid) return null;
    if (req.params.CallSid !== undefined && recording.callSid !== req.params.CallSid) return null;
    return { recording, kind: file.kind };
  };

  const list = (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) => {
    const q = req.query;
    const callSid = req.params.CallSid ?? q.CallSid;
    const when = dateFilter(q);
    if ('error' in when) return fail(reply, 400, 20001, when.error);
    const { page, pageSize } = pageOf(q);
    const all = recordings.list().filter((r) => r.accountSid === req.params.AccountSid && (!callSid || r.callSid === callSid) && when(r.startTime));
    const slice = all.slice(page * pageSize, (page + 1) * pageSize);
    const listUri = req.params.CallSid
      ? `/2010-04-01/Accounts/${req.params.AccountSid}/Calls/${req.params.CallSid}/Recordings.json`
      : `/2010-04-01/Accounts/${req.params.AccountSid}/Recordings.json`;
    const filters: Record<string, string> = {};
    for (const key of ['CallSid', 'DateCreated', 'DateCreated<', 'DateCreated>']) if (q[key] !== undefined) filters[key] = q[key]!;
    return pageJson('recordings', slice.map((r) => recordingJson(r, req.params.CallSid !== undefined)), listUri, page, pageSize, all.length > (page + 1) * pageSize, filters);
  };

  const fetchOne = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const found = find(req);
    if (!found) return notFound(req, reply);
    const { recording, kind } = found;
    if (kind === 'json') return recordingJson(recording, req.params.CallSid !== undefined);
    if (req.params.CallSid !== undefined) return notFound(req, reply);
    const media = recordingMedia(recording, kind);
    if (!media) return notFound(req, reply);
    return sendMedia(req, reply, await media, kind);
  };

  const remove = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const found = find(req);
    // The resource is deleted through its own URI (with .json, or none), not through a media URL.
    if (!found || /\.(wav|mp3)$/.test(req.params.file)) return notFound(req, reply);
    recordings.remove(found.recording.sid);
    return reply.code(204).send();
  };

  app.get<{ Params: Params; Querystring: Query }>(`${BASE}/Recordings.json`, list);
  app.get<{ Params: Params }>(`${BASE}/Recordings/:file`, fetchOne);
  app.delete<{ Params: Params }>(`${BASE}/Recordings/:file`, remove);
  app.get<{ Params: Params; Querystring: Query }>(`${BASE}/Calls/:CallSid/Recordings.json`, list);
  app.get<{ Params: Params }>(`${BASE}/Calls/:CallSid/Recordings/:file`, fetchOne);
  app.delete<{ Params: Params }>(`${BASE}/Calls/:CallSid/Recordings/:file`, remove);
}
