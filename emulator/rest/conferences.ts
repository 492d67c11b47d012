/**
 * REST Conferences and their Participants, in the shapes the `twilio` helper sends and reads:
 *
 *   GET  Conferences.json                           FriendlyName, Status, DateCreated(<,>), DateUpdated(<,>), paging
 *   GET  Conferences/{Sid}.json
 *   POST Conferences/{Sid}.json                     Status=completed, AnnounceUrl, AnnounceMethod
 *   GET  Conferences/{Sid}/Participants.json        Muted, Hold, Coaching, paging
 *   POST Conferences/{Sid}/Participants.json        dials From → To and joins it ({Sid} may be a friendly name)
 *   GET  Conferences/{Sid}/Participants/{CallSid or Label}.json
 *   POST Conferences/{Sid}/Participants/{CallSid or Label}.json   Hold, HoldUrl, Muted, AnnounceUrl, …
 *   DELETE Conferences/{Sid}/Participants/{CallSid or Label}.json  removes it
 */
import type { FastifyInstance } from 'fastify';
import type { Conference } from '../conferences/conference';
import type { ConferenceParticipant } from '../conferences/participant';
import type { ProgramSpec } from '../conferences/program';
import { EVENT_SUBSCRIPTIONS, participantStatus, type EventSubscription, type Seat } from '../conferences/state';
import type { Emulator } from '../emulator';
import { isE164 } from '../phones/phone';
import type { Method, StatusCallbackSpec } from '../twiml/verbs';
import { all, fail, first, method, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid/Conferences';
const BEEPS = ['true', 'false', 'onEnter', 'onExit'];
const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
/** Create parameters Twilio has that the emulator accepts but does not act on; a call's log says so. */
const IGNORED = ['Record', 'ConferenceRecord', 'ConferenceTrim', 'RecordingChannels', 'RecordingStatusCallback', 'Region',
  'ConferenceRecordingStatusCallback', 'SipAuthUsername', 'JitterBufferSize', 'Byoc', 'MachineDetection', 'Trim', 'CallReason'];

type ConferenceParams = AccountParams & { ConferenceSid: string; CallSid?: string };

/** Twilio's booleans: "true" is true, anything else false; absent stays absent. */
const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true');

export function conferenceJson(c: Conference, accountSid: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Conferences/${c.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    call_sid_ending_conference: c.state.ended?.callSid ?? null,
    date_created: rfc2822(c.createdAt),
    date_updated: rfc2822(c.updatedAt),
    friendly_name: c.friendlyName,
    reason_conference_ended: c.state.ended?.reason ?? null,
    region: 'us1',
    sid: c.sid,
    status: c.status,
    subresource_uris: {
      participants: uri.replace('.json', '/Participants.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
    },
    uri,
  };
}

export function participantJson(c: Conference, p: ConferenceParticipant, seat: Seat, accountSid: string): Record<string, unknown> {
  return {
    account_sid: accountSid,
    call_sid: p.call.sid,
    call_sid_to_coach: seat.callSidToCoach,
    coaching: seat.coaching,
    conference_sid: c.sid,
    date_created: rfc2822(p.createdAt),
    date_updated: rfc2822(p.updatedAt),
    end_conference_on_exit: seat.endConferenceOnExit,
    hold: seat.hold,
    label: seat.label,
    muted: seat.muted,
    start_conference_on_enter: seat.startConferenceOnEnter,
    status: participantStatus(p.call.status, seat.joined),
    queue_time: '0',
    uri: `/2010-04-01/Accounts/${accountSid}/Conferences/${c.sid}/Participants/${p.call.sid}.json`,
  };
}

/** A URL the API was given: absolute http(s), or the reason it is not. */
function absoluteUrl(name: string, value: string): { url: string } | { error: string } {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return { url: u.toString() };
  } catch { /* reported below */ }
  return { error: `${name} is not a valid URL: ${value}` };
}

/** HoldUrl, WaitUrl, AnnounceUrl: '' is silence, a URL is fetched with its method. */
function programOf(name: string, value: string | undefined, m: Method): ProgramSpec | { error: string } | undefined {
  if (value === undefined) return undefined;
  if (value === '') return { kind: 'silence' };
  const u = absoluteUrl(name, value);
  return 'error' in u ? u : { kind: 'url', url: u.url, method: m };
}

/** A day filter, YYYY-MM-DD: exact, or on/before (`<`) and on/after (`>`). */
function dayMatches(date: Date, q: Query, key: string): boolean {
  const day = date.toISOString().slice(0, 10);
  const exact = q[key];
  const before = q[`${key}<`];
  const after = q[`${key}>`];
  return (!exact || day === exact) && (!before || day <= before) && (!after || day >= after);
}

export function registerConferenceResources(app: FastifyInstance, emulator: Pick<Emulator, 'account' | 'conferences' | 'conferenceDialer'>): void {
  const { account, conferences, conferenceDialer } = emulator;
  const json = (c: Conference) => conferenceJson(c, account.sid);
  const conferenceFrom = (params: ConferenceParams) => conferences.get(params.ConferenceSid);
  const participantIn = (c: Conference, id: string | undefined) => {
    const p = id ? c.participant(id) : undefined;
    const seat = p ? c.seatOf(p.call.sid) : undefined;
    return p && seat ? { participant: p, seat } : undefined;
  };

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}.json`, async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    // Since 30 September 2026 Twilio lists only in-progress conferences unless a Status is given.
    const status = q.Status ?? 'in-progress';
    const list = [...conferences.values()].reverse().filter((c) =>
      c.status === status && (!q.FriendlyName || c.friendlyName === q.FriendlyName)
      && dayMatches(c.createdAt, q, 'DateCreated') && dayMatches(c.updatedAt, q, 'DateUpdated'));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return pageJson('conferences', slice.map(json), `/2010-04-01/Accounts/${account.sid}/Conferences.json`, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.get<{ Params: ConferenceParams }>(`${BASE}/:ConferenceSid.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    return c ? json(c) : notFound(req, reply);
  });

  app.post<{ Params: ConferenceParams; Body: Form }>(`${BASE}/:ConferenceSid.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    if (!c) return notFound(req, reply);
    const body = req.body ?? {};
    const status = first(body.Status);
    if (status !== undefined && status !== 'completed') return fail(reply, 400, 21220, `Invalid Status: ${status}. Use completed`);
    const announce = programOf('AnnounceUrl', first(body.AnnounceUrl), method(first(body.AnnounceMethod)));
    if (announce && 'error' in announce) return fail(reply, 400, 21205, announce.error);
    if ((status || announce) && c.status === 'completed') return fail(reply, 400, 21220, `Conference ${c.sid} has already completed`);
    if (announce) c.announce(announce, first(body.AnnounceUrl)!);
    if (status === 'completed') c.end();
    return json(c);
  });

  app.get<{ Params: ConferenceParams; Querystring: Query }>(`${BASE}/:ConferenceSid/Participants.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    if (!c) return notFound(req, reply);
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const list = c.list().filter(({ seat }) =>
      (q.Muted === undefined || seat.muted === (q.Muted === 'true')) && (q.Hold === undefined || seat.hold === (q.Hold === 'true'))
      && (q.Coaching === undefined || seat.coaching === (q.Coaching === 'true')));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return pageJson('participants', slice.map(({ participant, seat }) => participantJson(c, participant, seat, account.sid)),
      `/2010-04-01/Accounts/${account.sid}/Conferences/${c.sid}/Participants.json`, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.post<{ Params: ConferenceParams; Body: Form }>(`${BASE}/:ConferenceSid/Participants.json`, async (req, reply) => {
    const body = req.body ?? {};
    const input = createInput(body);
    if ('bad' in input) return fail(reply, 400, ...input.bad);
    // A friendly name instead of a SID reaches the live conference of that name, or starts one.
    const id = req.params.ConferenceSid;
    let c = conferences.get(id) ?? conferences.liveByName(id);
    if (!c && /^CF[0-9a-f]{32}$/.test(id)) return notFound(req, reply);
    c ??= conferences.open(id, input.settings);
    if (c.status === 'completed') return fail(reply, 400, 21220, `Conference ${c.sid} has already completed`);
    const added = conferenceDialer.add(c, input.participant);
    if ('refused' in added) return fail(reply, 400, added.refused.code, added.refused.message);
    if (input.ignored.length) added.call.log('info', `Participants API ${input.ignored.join(', ')}: not emulated; ignored`);
    // As at Twilio, the answer describes the participant as created: queued, its call not yet placed.
    return reply.code(201).send({ ...participantJson(c, added.participant, c.seatOf(added.call.sid)!, account.sid), status: 'queued' });
  });

  app.get<{ Params: ConferenceParams }>(`${BASE}/:ConferenceSid/Participants/:CallSid.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    const found = c ? participantIn(c, req.params.CallSid) : undefined;
    return c && found ? participantJson(c, found.participant, found.seat, account.sid) : notFound(req, reply);
  });

  app.post<{ Params: ConferenceParams; Body: Form }>(`${BASE}/:ConferenceSid/Participants/:CallSid.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    const found = c ? participantIn(c, req.params.CallSid) : undefined;
    if (!c || !found) return notFound(req, reply);
    const body = req.body ?? {};
    const holdProgram = programOf('HoldUrl', first(body.HoldUrl), first(body.HoldMethod)?.toUpperCase() === 'POST' ? 'POST' : 'GET');
    const wait = programOf('WaitUrl', first(body.WaitUrl), method(first(body.WaitMethod)));
    const announceUrl = first(body.AnnounceUrl);
    const announce = programOf('AnnounceUrl', announceUrl, method(first(body.AnnounceMethod)));
    for (const p of [holdProgram, wait, announce]) if (p && 'error' in p) return fail(reply, 400, 21205, p.error);
    const coaching = bool(first(body.Coaching));
    const callSidToCoach = first(body.CallSidToCoach);
    if (coaching && !callSidToCoach && !found.seat.callSidToCoach) return fail(reply, 400, 21220, 'Coaching needs CallSidToCoach');
    const changes = {
      ...(bool(first(body.Muted)) !== undefined ? { muted: bool(first(body.Muted))! } : {}),
      ...(bool(first(body.Hold)) !== undefined ? { hold: bool(first(body.Hold))! } : {}),
      ...(bool(first(body.BeepOnExit)) !== undefined ? { beepOnExit: bool(first(body.BeepOnExit))! } : {}),
      ...(bool(first(body.EndConferenceOnExit)) !== undefined ? { endConferenceOnExit: bool(first(body.EndConferenceOnExit))! } : {}),
      ...(coaching !== undefined ? { coaching } : callSidToCoach ? { coaching: true } : {}),
      ...(callSidToCoach ? { callSidToCoach } : {}),
      ...(holdProgram && !('error' in holdProgram) ? { holdProgram } : {}),
      ...(wait && !('error' in wait) ? { wait } : {}),
      ...(announce && !('error' in announce) ? { announce: { spec: announce, url: announceUrl! } } : {}),
    };
    const refused = c.update(found.participant.call.sid, changes);
    if (refused) return fail(reply, 400, refused.refused.code, refused.refused.message);
    return participantJson(c, found.participant, c.seatOf(found.participant.call.sid) ?? found.seat, account.sid);
  });

  app.delete<{ Params: ConferenceParams }>(`${BASE}/:ConferenceSid/Participants/:CallSid.json`, async (req, reply) => {
    const c = conferenceFrom(req.params);
    const found = c ? participantIn(c, req.params.CallSid) : undefined;
    if (!c || !found) return notFound(req, reply);
    c.kick(found.participant.call.sid);
    return reply.code(204).send();
  });
}

interface CreateInput {
  participant: Parameters<Emulator['conferenceDialer']['add']>[1];
  settings: Parameters<Emulator['conferences']['open']>[1];
  ignored: string[];
}

type Bad = { bad: [code: number, message: string] };
const bad = (code: number, message: string): Bad => ({ bad: [code, message] });

/** Reads a Participants create form, or says what is wrong with it as Twilio would. */
function createInput(body: Form): CreateInput | Bad {
  const to = first(body.To)?.trim();
  const from = first(body.From)?.trim();
  if (!to) return bad(21201, "No 'To' number is specified");
  if (!from) return bad(21213, "No 'From' number is specified");
  const [target, query = ''] = to.split('?', 2) as [string, string?];
  const isClient = target.startsWith('client:') && target.length > 'client:'.length;
  if (!isClient && !isE164(target)) return bad(21211, `Invalid 'To' Phone Number: ${to}`);
  const beep = first(body.Beep) ?? 'true';
  if (!BEEPS.includes(beep)) return bad(21220, `Invalid Beep: ${beep}. Use true, false, onEnter or onExit`);
  const wait = programOf('WaitUrl', first(body.WaitUrl), method(first(body.WaitMethod)));
  if (wait && 'error' in wait) return bad(21205, wait.error);
  const maxParticipants = Number(first(body.MaxParticipants) ?? 250);
  if (!Number.isInteger(maxParticipants) || maxParticipants < 2 || maxParticipants > 250) {
    return bad(21220, 'MaxParticipants must be a whole number from 2 to 250');
  }
  const callSidToCoach = first(body.CallSidToCoach) ?? null;
  const coaching = bool(first(body.Coaching)) ?? callSidToCoach !== null;
  if (coaching && !callSidToCoach) return bad(21220, 'Coaching needs CallSidToCoach');
  const confCallback = first(body.ConferenceStatusCallback);
  const confEvents = all(body.ConferenceStatusCallbackEvent).flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
  if (confEvents.some((e) => !EVENT_SUBSCRIPTIONS.includes(e as EventSubscription))) {
    return bad(21220, `Invalid ConferenceStatusCallbackEvent: ${confEvents.join(' ')}`);
  }
  const callEvents = all(body.StatusCallbackEvent).flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
  if (callEvents.some((e) => !CALL_EVENTS.includes(e))) return bad(21220, `Invalid StatusCallbackEvent: ${callEvents.join(' ')}`);
  const scUrl = first(body.StatusCallback);
  const statusCallback: StatusCallbackSpec | undefined = scUrl
    ? { url: scUrl, method: method(first(body.StatusCallbackMethod)), events: (callEvents.length ? callEvents : ['completed']) as StatusCallbackSpec['events'] }
    : undefined;
  const timeLimit = Number(first(body.TimeLimit));
  return {
    participant: {
      to: target,
      from: first(body.CallerId)?.trim() || from,
      params: isClient ? Object.fromEntries(new URLSearchParams(query)) : {},
      timeout: Math.min(600, Math.max(5, Number(first(body.Timeout) ?? 60) || 60)),
      ...(timeLimit > 0 ? { timeLimit } : {}),
      ...(statusCallback ? { statusCallback } : {}),
      options: {
        label: first(body.Label) ?? null,
        muted: bool(first(body.Muted)) ?? false,
        startConferenceOnEnter: bool(first(body.StartConferenceOnEnter)) ?? true,
        endConferenceOnExit: bool(first(body.EndConferenceOnExit)) ?? false,
        beep: beep as CreateInput['participant']['options']['beep'],
        wait: wait ?? { kind: 'music' },
        coaching,
        callSidToCoach,
        earlyMedia: bool(first(body.EarlyMedia)) ?? true,
      },
    },
    settings: {
      maxParticipants,
      statusCallback: confCallback
        ? { url: confCallback, method: method(first(body.ConferenceStatusCallbackMethod)), events: (confEvents.length ? confEvents : ['start', 'end']) as EventSubscription[] }
        : null,
    },
    ignored: IGNORED.filter((k) => body[k] !== undefined),
  };
}
