/**
 * Conferences, Participants and call redirects through the `twilio` helper library, pointed at the
 * emulator as an application would point it at Twilio. Simulated phones with distinct tones are the
 * parties; who hears whom is read from their meters by frequency.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorPlugin } from '../plugin';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import { HOLD_MUSIC_MAX_HZ } from '../media/hold-music';
import { hasTone } from '../media/spectrum';
import { buildWav } from '../media/wav';
import { ToneGenerator } from '../media/synth';
import { eventually, sleep } from '../../test-support/wait';
import type { PhoneDetail } from '../../contracts/emulator/phones';
import type { CallDetail } from '../../contracts/emulator/calls';

const ACCOUNT = 'AC' + '1'.repeat(32);
const AUTH = '2'.repeat(32);
const APP = 'AP' + '4'.repeat(32);
const TEAM = '+12025550100';
const PHONE = { a: '+12025550301', b: '+12025550302', c: '+12025550303', manual: '+12025550304' } as const;

interface Hit { path: string; params: Record<string, string> }
let hits: Hit[] = [];
let app: FastifyInstance;
let hooks: http.Server;
let hooksOrigin: string;
let origin: string;
let client: twilio.Twilio;

/** The emulator's control API, as the console reads it. */
async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin}/emulator/api${path}`, {
    method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const phone = (number: string) => control<PhoneDetail>('GET', `/phones/${encodeURIComponent(number)}`);
const callDetail = (sid: string) => control<CallDetail>('GET', `/calls/${sid}`);

/** A WAV of one tone: what the test's hold URL answers with, so a held phone's music is recognisable. */
function toneWav(hz: number): Buffer {
  const samples = new Int16Array(8000);
  new ToneGenerator({ frequencies: [hz], amplitude: 0.5 }).render(samples);
  return buildWav(samples, 8000);
}

beforeAll(async () => {
  const wav = toneWav(300);
  const announcement = toneWav(1200);
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const params = Object.fromEntries(new URLSearchParams(body || (req.url ?? '').split('?')[1] || ''));
      hits.push({ path, params });
      const xml = (s: string) => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(s);
      if (path === '/voice') xml(`<Response><Dial action="/after"><Number>${PHONE.b}</Number></Dial></Response>`);
      else if (path === '/after') xml('<Response><Say>Back from the dial</Say><Pause length="10"/></Response>');
      else if (path === '/hold.wav') res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(wav);
      else if (path === '/announce.wav') res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(announcement);
      else if (path === '/announce') xml(`<Response><Play loop="4">${hooksOrigin}/announce.wav</Play></Response>`);
      else if (path === '/hold') xml(`<Response><Play loop="0">${hooksOrigin}/hold.wav</Play></Response>`);
      else if (path === '/transferred') xml('<Response><Say>You have been transferred</Say><Pause length="10"/></Response>');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hooksOrigin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [] },
    applications: [{ sid: APP, voiceUrl: `${hooksOrigin}/voice` }],
    numbers: [{ phoneNumber: TEAM, voiceApplicationSid: APP }],
    phones: [
      { number: PHONE.a, name: 'A', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 440 } },
      { number: PHONE.b, name: 'B', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 660 } },
      { number: PHONE.c, name: 'C', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 880 } },
      { number: PHONE.manual, name: 'Manual', behaviour: { kind: 'manual' } },
    ],
    publicOrigin: hooksOrigin,
    webhookTimeoutSeconds: 3,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = twilio(ACCOUNT, AUTH, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(origin) });
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => hooks.close(r));
});
beforeEach(async () => {
  // Every test starts with idle phones and no live conference.
  for (const status of ['init', 'in-progress'] as const) {
    for (const c of await client.conferences.list({ status })) await client.conferences(c.sid).update({ status: 'completed' });
  }
  for (const call of await client.calls.list({ status: 'in-progress' })) await client.calls(call.sid).update({ status: 'completed' });
  await eventually(async () => (await Promise.all(Object.values(PHONE).map(phone))).every((p) => p.state === 'idle'), 'phones idle', 5000);
  hits = [];
});

/** The tones a phone hears clearly (a party's tone arrives near -9 dBFS; onsets and mixing products stay below -30). */
const heard = async (number: string) => ((await phone(number)).heard.tones ?? []).filter((t) => t.dbfs >= -30);
const hears = async (number: string, hz: number) => hasTone(await heard(number), hz);
const says = async (number: string) => (await phone(number)).heard.says;
/** Whether the phone clearly hears every tone of `yes` and none of `no`. */
const hearsOnly = async (number: string, yes: number[], no: number[]) => {
  const tones = await heard(number);
  return yes.every((hz) => hasTone(tones, hz)) && no.every((hz) => !hasTone(tones, hz));
};
const hearsMusicOnly = async (number: string) => {
  const tones = await heard(number);
  return tones.length > 0 && tones.every((t) => t.hz < HOLD_MUSIC_MAX_HZ);
};
const confEvents = () => hits.filter((h) => h.path === '/conf').map((h) => h.params.StatusCallbackEvent);

describe('Conferences and Participants through the twilio library', () => {
  it('adds participants by friendly name, holds one with a holdUrl, mutes, kicks, and ends the conference', async () => {
    const a = await client.conferences('support-1').participants.create({
      from: TEAM, to: PHONE.a, label: 'customer', beep: 'false',
      conferenceStatusCallback: `${hooksOrigin}/conf`, conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold', 'mute'],
    });
    expect(a.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(a.conferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
    expect(a.status).toBe('queued');
    expect(a.label).toBe('customer');
    const conf = client.conferences(a.conferenceSid);
    await eventually(async () => (await conf.participants('customer').fetch()).status === 'connected', 'A connected');
    expect((await conf.fetch()).status).toBe('init');
    const b = await conf.participants.create({ from: TEAM, to: PHONE.b, label: 'agent', beep: 'false', endConferenceOnExit: true });
    await eventually(async () => (await conf.fetch()).status === 'in-progress', 'started');
    const fetched = await conf.fetch();
    expect(fetched).toMatchObject({ friendlyName: 'support-1', accountSid: ACCOUNT, status: 'in-progress', reasonConferenceEnded: null });
    expect((await client.conferences.list({ friendlyName: 'support-1' })).map((c) => c.sid)).toEqual([a.conferenceSid]);
    expect((await client.conferences.list({ status: 'completed', friendlyName: 'support-1' }))).toEqual([]);
    const listed = await conf.participants.list();
    expect(listed.map((p) => [p.label, p.status, p.hold, p.muted, p.endConferenceOnExit])).toEqual([
      ['customer', 'connected', false, false, false], ['agent', 'connected', false, false, true],
    ]);
    await eventually(async () => await hearsOnly(PHONE.a, [660], [440]) && await hearsOnly(PHONE.b, [440], [660]), 'A and B hear each other');

    // Hold the customer with our own music: the customer hears 300 Hz and the agent no longer hears 440.
    const held = await conf.participants(a.callSid).update({ hold: true, holdUrl: `${hooksOrigin}/hold`, holdMethod: 'POST' });
    expect(held.hold).toBe(true);
    await eventually(() => hearsOnly(PHONE.a, [300], [660]), 'A hears the hold URL\'s audio only');
    await eventually(() => hearsOnly(PHONE.b, [], [440]), 'B no longer hears A');
    expect((await conf.participants.list({ hold: true })).map((p) => p.label)).toEqual(['customer']);
    const holdHit = hits.find((h) => h.path === '/hold')!;
    expect(holdHit.params).toMatchObject({ CallSid: a.callSid, ConferenceSid: a.conferenceSid, FriendlyName: 'support-1' });

    // A third party, C, joins while A is held: B and C hear each other, A hears neither.
    const c = await conf.participants.create({ from: TEAM, to: PHONE.c, beep: 'false' });
    await eventually(async () => await hearsOnly(PHONE.b, [880], [440]) && await hearsOnly(PHONE.c, [660], [440]), 'B and C, not A');
    expect(await hearsOnly(PHONE.a, [300], [660, 880])).toBe(true);
    // Resume A, mute C: A hears B and C... but nobody hears C.
    await conf.participants('customer').update({ hold: false });
    await conf.participants(c.callSid).update({ muted: true });
    await eventually(async () => await hearsOnly(PHONE.a, [660], [880, 300]) && await hearsOnly(PHONE.b, [440], [880]), 'A back, C muted');
    expect(await hearsOnly(PHONE.c, [440, 660], [])).toBe(true);

    // Kick C: its leg (an API participant with no TwiML of its own) is hung up.
    expect(await conf.participants(c.callSid).remove()).toBe(true);
    await eventually(async () => (await client.calls(c.callSid).fetch()).status === 'completed', 'C hung up');
    await expect(conf.participants(c.callSid).fetch()).rejects.toMatchObject({ status: 404 });

    // End it: everyone out, the conference completed with Twilio's reason.
    const ended = await conf.update({ status: 'completed' });
    expect(ended.status).toBe('completed');
    expect(ended.reasonConferenceEnded).toBe('conference-ended-via-api');
    for (const sid of [a.callSid, b.callSid]) {
      await eventually(async () => (await client.calls(sid).fetch()).status === 'completed', `${sid} hung up`);
    }
    expect(await conf.participants.list()).toEqual([]);
    await eventually(() => confEvents().includes('conference-end'), 'end callback');
    // The list's day filters, as the helper sends them (DateCreated, DateCreated<, DateUpdated>: UTC days).
    const day = 86_400_000;
    const completed = (filters: Parameters<typeof client.conferences.list>[0]) =>
      client.conferences.list({ status: 'completed', friendlyName: 'support-1', ...filters }).then((l) => l.map((c) => c.sid));
    expect(await completed({ dateCreated: new Date() })).toEqual([a.conferenceSid]);
    expect(await completed({ dateUpdatedAfter: new Date(Date.now() - day) })).toEqual([a.conferenceSid]);
    expect(await completed({ dateCreatedBefore: new Date(Date.now() - day) })).toEqual([]);
    expect(await completed({ dateUpdatedAfter: new Date(Date.now() + day) })).toEqual([]);
    expect(confEvents()).toEqual([
      'participant-join', 'participant-join', 'conference-start', 'participant-hold', 'participant-join',
      'participant-unhold', 'participant-mute', 'participant-leave', 'participant-leave', 'participant-leave', 'conference-end',
    ]);
  });

  it('refuses what Twilio refuses: bad To, unknown conference, a label in use, a full room', async () => {
    await expect(client.conferences('room-x').participants.create({ from: TEAM, to: 'nobody' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(client.conferences('CF' + '0'.repeat(32)).participants.create({ from: TEAM, to: PHONE.a })).rejects.toMatchObject({ status: 404 });
    await expect(client.conferences('CF' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    const first = await client.conferences('room-x').participants.create({ from: TEAM, to: PHONE.a, label: 'x', maxParticipants: 2 });
    await expect(client.conferences(first.conferenceSid).participants.create({ from: TEAM, to: PHONE.b, label: 'x' }))
      .rejects.toMatchObject({ status: 400, code: 16025 });
    await client.conferences(first.conferenceSid).participants.create({ from: TEAM, to: PHONE.b });
    await expect(client.conferences(first.conferenceSid).participants.create({ from: TEAM, to: PHONE.c }))
      .rejects.toMatchObject({ status: 400, code: 21220 });
    await client.conferences(first.conferenceSid).update({ status: 'completed' });
    await expect(client.conferences(first.conferenceSid).participants.create({ from: TEAM, to: PHONE.c })).rejects.toMatchObject({ status: 400 });
  });

  it('a participant that does not answer leaves with participant_add_failed; its call says no-answer', async () => {
    const a = await client.conferences('room-y').participants.create({
      from: TEAM, to: PHONE.a, beep: 'false', conferenceStatusCallback: `${hooksOrigin}/conf`, conferenceStatusCallbackEvent: ['join', 'leave'],
    });
    const m = await client.conferences(a.conferenceSid).participants.create({ from: TEAM, to: PHONE.manual, timeout: 5 });
    expect((await client.conferences(a.conferenceSid).participants(m.callSid).fetch()).status).toMatch(/^(queued|connecting|ringing)$/);
    await eventually(() => hits.some((h) => h.params.StatusCallbackEvent === 'participant-leave'), 'leave callback', 15000);
    expect(hits.find((h) => h.params.StatusCallbackEvent === 'participant-leave')!.params)
      .toMatchObject({ CallSid: m.callSid, ReasonParticipantLeft: 'participant_add_failed', ParticipantCallStatus: 'no-answer' });
    expect((await client.calls(m.callSid).fetch()).status).toBe('no-answer');
    expect((await client.conferences(a.conferenceSid).fetch()).status).toBe('init');
  }, 30000);
});

describe('call redirect (Calls update with url or twiml)', () => {
  it('redirecting the dialed leg of a bridge: it runs the new TwiML, the caller goes on to its Dial action', async () => {
    const { callSid: callerSid } = await control<{ callSid: string }>('POST', `/phones/${encodeURIComponent(PHONE.manual)}/call`, { to: TEAM, toneHz: 500 });
    await eventually(async () => (await phone(PHONE.b)).state === 'in-call', 'B answered');
    const [childSid] = (await callDetail(callerSid)).children;
    const caller = { sid: callerSid };
    const child = { sid: childSid! };
    const updated = await client.calls(child.sid).update({ url: `${hooksOrigin}/transferred`, method: 'POST' });
    expect(updated.status).toBe('in-progress');
    await eventually(async () => (await says(PHONE.b)).includes('You have been transferred'), 'B runs the new TwiML');
    await eventually(() => hits.some((h) => h.path === '/after'), 'the caller\'s Dial action');
    expect(hits.find((h) => h.path === '/after')!.params).toMatchObject({ CallSid: caller.sid, DialCallStatus: 'completed', DialCallSid: child.sid });
    expect(hits.find((h) => h.path === '/transferred')!.params).toMatchObject({ CallSid: child.sid, ParentCallSid: caller.sid, CallStatus: 'in-progress' });
    await eventually(async () => (await says(PHONE.manual)).includes('Back from the dial'), 'caller hears the action TwiML');
    expect((await callDetail(child.sid)).status).toBe('in-progress');
    expect((await callDetail(caller.sid)).events.some((e) => e.text === `Dial ended: ${child.sid} was redirected`)).toBe(true);
    await client.calls(child.sid).update({ status: 'completed' });
    await client.calls(caller.sid).update({ status: 'completed' });
  });

  it('redirecting a participant takes it out of its conference: participant_updated_via_api, then its new TwiML', async () => {
    const a = await client.conferences('room-z').participants.create({
      from: TEAM, to: PHONE.a, beep: 'false', conferenceStatusCallback: `${hooksOrigin}/conf`, conferenceStatusCallbackEvent: ['leave', 'end'],
    });
    const b = await client.conferences(a.conferenceSid).participants.create({ from: TEAM, to: PHONE.b, beep: 'false' });
    await eventually(() => hears(PHONE.a, 660), 'A hears B');
    await client.calls(a.callSid).update({ twiml: '<Response><Say>Cold transfer</Say><Pause length="10"/></Response>' });
    await eventually(async () => (await says(PHONE.a)).includes('Cold transfer'), 'A runs the new TwiML');
    await eventually(() => hits.some((h) => h.params.StatusCallbackEvent === 'participant-leave'), 'leave');
    expect(hits.find((h) => h.params.StatusCallbackEvent === 'participant-leave')!.params)
      .toMatchObject({ CallSid: a.callSid, ReasonParticipantLeft: 'participant_updated_via_api', ParticipantCallStatus: 'in-progress' });
    expect((await client.calls(a.callSid).fetch()).status).toBe('in-progress');
    await sleep(300);
    expect(await hears(PHONE.b, 440)).toBe(false);
    expect((await client.conferences(a.conferenceSid).participants.list()).map((p) => p.callSid)).toEqual([b.callSid]);
    await client.calls(a.callSid).update({ status: 'completed' });
  });
});

describe('Participants update: announceUrl and endConferenceOnExit', () => {
  it('an announcement reaches only its participant and ends with announcement-end; endConferenceOnExit set later ends the room on leaving', async () => {
    const a = await client.conferences('room-u').participants.create({
      from: TEAM, to: PHONE.a, beep: 'false', conferenceStatusCallback: `${hooksOrigin}/conf`, conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave', 'announcement', 'modify'],
    });
    const conf = client.conferences(a.conferenceSid);
    const b = await conf.participants.create({ from: TEAM, to: PHONE.b, beep: 'false' });
    await eventually(async () => await hearsOnly(PHONE.a, [660], []) && await hearsOnly(PHONE.b, [440], []), 'A and B hear each other');

    await conf.participants(a.callSid).update({ announceUrl: `${hooksOrigin}/announce`, announceMethod: 'POST' });
    await eventually(() => hearsOnly(PHONE.a, [1200, 660], []), 'A hears the announcement over B');
    expect(await hearsOnly(PHONE.b, [440], [1200])).toBe(true);
    expect(hits.find((h) => h.path === '/announce')?.params).toMatchObject({ CallSid: a.callSid, ConferenceSid: a.conferenceSid });
    await eventually(() => confEvents().includes('announcement-end'), 'announcement-end', 10_000);

    const updated = await conf.participants(b.callSid).update({ endConferenceOnExit: true });
    expect(updated.endConferenceOnExit).toBe(true);
    expect((await conf.participants(a.callSid).fetch()).endConferenceOnExit).toBe(false);
    await conf.participants(b.callSid).remove();
    await eventually(async () => (await conf.fetch()).status === 'completed', 'the room ended with B');
    await eventually(async () => (await client.calls(a.callSid).fetch()).status === 'completed', 'A hung up');
    expect(confEvents().at(-1)).toBe('conference-end');
  }, 20_000);
});

describe('hold music', () => {
  it('without a holdUrl a held participant hears the emulator\'s generated music', async () => {
    const a = await client.conferences('room-m').participants.create({ from: TEAM, to: PHONE.a, beep: 'false' });
    await client.conferences(a.conferenceSid).participants.create({ from: TEAM, to: PHONE.b, beep: 'false' });
    await eventually(() => hears(PHONE.a, 660), 'A hears B');
    await client.conferences(a.conferenceSid).participants(a.callSid).update({ hold: true });
    await eventually(() => hearsMusicOnly(PHONE.a), 'A hears music');
  });
});
