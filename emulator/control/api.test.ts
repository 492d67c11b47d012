import Fastify, { type FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRoutes } from '../../contracts/emulator/applications';
import { CallRoutes } from '../../contracts/emulator/calls';
import { ConferenceRoutes } from '../../contracts/emulator/conferences';
import { ClientRoutes } from '../../contracts/emulator/clients';
import { ControlError } from '../../contracts/emulator/common';
import { PhoneRoutes } from '../../contracts/emulator/phones';
import { StateRoutes } from '../../contracts/emulator/state';
import type { Emulator } from '../emulator';
import { emulatorPlugin } from '../plugin';
import { registerControlApi } from './api';

const APP = 'AP' + '4'.repeat(32);
const MANUAL = '+12025550102';
const ECHO = '+12025550101';

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: 'AC' + '1'.repeat(32), authToken: '2'.repeat(32), apiKeys: [] },
    applications: [{ sid: APP, voiceUrl: 'http://127.0.0.1:9/unused' }],
    numbers: [{ phoneNumber: '+12025550100', voiceApplicationSid: APP }],
    publicOrigin: 'http://127.0.0.1',
  });
});
afterAll(async () => {
  await app.close();
});

const path = (p: string) => `/emulator/api${p}`;
const phonePath = (n: string) => `/phones/${encodeURIComponent(n)}`;

async function request(method: 'GET' | 'POST' | 'DELETE', p: string, body?: unknown) {
  const res = await app.inject({ method, url: path(p), ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, raw: res.body };
}

/** The response is what its contract says, field for field. */
function expectContract(schema: TSchema, body: unknown): void {
  expect([...Value.Errors(schema, body)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

describe('control API responses match their contracts', () => {
  it('state, metrics, clients, phones and applications', async () => {
    const checks: [string, TSchema][] = [
      ['/state', StateRoutes.state.response[200]],
      ['/metrics', StateRoutes.metrics.response[200]],
      ['/metrics?gc=true', StateRoutes.metrics.response[200]],
      ['/clients', ClientRoutes.list.response[200]],
      ['/calls', CallRoutes.list.response[200]],
      ['/phones', PhoneRoutes.list.response[200]],
      [phonePath(MANUAL), PhoneRoutes.get.response[200]],
      ['/applications', ApplicationRoutes.list.response[200]],
    ];
    for (const [p, schema] of checks) {
      const res = await request('GET', p);
      expect(res.status, p).toBe(200);
      expectContract(schema, res.body);
    }
  });

  it('a phone calls another: the call, its child, the phones and the hangup', async () => {
    const placed = await request('POST', `${phonePath(MANUAL)}/call`, { to: ECHO });
    expect(placed.status).toBe(201);
    expectContract(PhoneRoutes.call.response[201], placed.body);
    const sid = placed.body.callSid as string;
    await expect.poll(async () => (await request('GET', `/calls/${sid}`)).body.children.length === 1
      && (await request('GET', phonePath(ECHO))).body.state === 'in-call', { timeout: 5000 }).toBe(true);
    const detail = await request('GET', `/calls/${sid}`);
    expectContract(CallRoutes.get.response[200], detail.body);
    expect(detail.body.events.length).toBeGreaterThan(0);
    const phone = await request('GET', phonePath(MANUAL));
    expectContract(PhoneRoutes.get.response[200], phone.body);
    expect(phone.body.call.sid).toBe(sid);
    const keys = await request('POST', `${phonePath(MANUAL)}/dtmf`, { digits: '12#' });
    expect(keys).toMatchObject({ status: 200, body: { sent: '12#' } });
    expectContract(StateRoutes.state.response[200], (await request('GET', '/state')).body);
    const hungUp = await request('POST', `/calls/${sid}/hangup`);
    expect(hungUp.status).toBe(200);
    expectContract(CallRoutes.hangup.response[200], hungUp.body);
    expect(hungUp.body.status).toBe('completed');
  });

  it('adds a phone, texts from it, and changes a TwiML App', async () => {
    const added = await request('POST', '/phones', { number: '+12025550177', name: '  ', behaviour: { kind: 'answer' } });
    expect(added.status).toBe(201);
    expectContract(PhoneRoutes.add.response[201], added.body);
    expect(added.body).toMatchObject({ name: '+12025550177', behaviour: { kind: 'answer', audio: 'echo' } });
    const text = await request('POST', `${phonePath('+12025550177')}/sms`, { to: ECHO, body: 'hello' });
    expect(text.status).toBe(201);
    expectContract(PhoneRoutes.sms.response[201], text.body);
    const updated = await request('POST', `/applications/${APP}`, { voiceUrl: 'https://example.com/voice', voiceMethod: 'GET' });
    expectContract(ApplicationRoutes.update.response[200], updated.body);
    expect(updated.body).toMatchObject({ sid: APP, voiceUrl: 'https://example.com/voice', voiceMethod: 'GET' });
    expect((await request('GET', '/state')).body.account.applications).toEqual([{ sid: APP, voiceUrl: 'https://example.com/voice' }]);
  });

  it('a conference worked from the console: phones added, one held and removed, the conference ended', async () => {
    const TONE = '+12025550104';
    const first = await request('POST', '/conferences/participants', { conference: 'console-room', to: TONE, label: 'tone', beep: 'false' });
    expect(first.status).toBe(201);
    expectContract(ConferenceRoutes.addParticipant.response[201], first.body);
    const sid = first.body.conferenceSid as string;
    const second = await request('POST', '/conferences/participants', { conference: sid, to: ECHO, beep: 'false' });
    expect(second.body.conferenceSid).toBe(sid);
    await expect.poll(async () => (await request('GET', `/conferences/${sid}`)).body.status, { timeout: 5000 }).toBe('in-progress');
    const view = await request('GET', `/conferences/${sid}`);
    expectContract(ConferenceRoutes.get.response[200], view.body);
    expect(view.body.participants.map((p: { label: string | null; status: string; hearing: string }) => [p.label, p.status, p.hearing]))
      .toEqual([['tone', 'connected', 'room'], [null, 'connected', 'room']]);
    expectContract(ConferenceRoutes.list.response[200], (await request('GET', '/conferences')).body);
    expectContract(StateRoutes.state.response[200], (await request('GET', '/state')).body);

    const held = await request('POST', `/conferences/${sid}/participants/${first.body.callSid}`, { hold: true });
    expectContract(ConferenceRoutes.updateParticipant.response[200], held.body);
    expect(held.body).toMatchObject({ hold: true, hearing: 'hold', heard: false });
    const removed = await request('DELETE', `/conferences/${sid}/participants/${second.body.callSid}`);
    expect(removed.status).toBe(204);
    const ended = await request('POST', `/conferences/${sid}/end`);
    expectContract(ConferenceRoutes.end.response[200], ended.body);
    expect(ended.body).toMatchObject({ status: 'completed', reasonEnded: 'conference-ended-via-api', participants: [] });
    expect((await request('POST', `/conferences/${sid}/end`)).status).toBe(409);
  });

  it('stops operating a phone with 204 and no body', async () => {
    const res = await request('DELETE', `${phonePath(MANUAL)}/operate`);
    expect(res.status).toBe(204);
    expect(res.raw).toBe('');
  });
});

describe('control API refusals: { error, code } with the sentence a person reads', () => {
  const cases: { name: string; method: 'GET' | 'POST'; path: string; body?: unknown; status: number; error: string }[] = [
    { name: 'unknown phone', method: 'POST', path: `${phonePath('+19995550000')}/answer`, status: 404, error: 'No simulated phone has number +19995550000' },
    { name: 'answer a phone that is not ringing', method: 'POST', path: `${phonePath(MANUAL)}/answer`, status: 409, error: 'Manual phone is not ringing' },
    { name: 'hang up a phone that is idle', method: 'POST', path: `${phonePath(MANUAL)}/hangup`, status: 409, error: 'Manual phone is not on a call' },
    { name: 'call without to', method: 'POST', path: `${phonePath(MANUAL)}/call`, status: 400, error: 'to is required' },
    { name: 'call to blank', method: 'POST', path: `${phonePath(MANUAL)}/call`, body: { to: '  ' }, status: 400, error: 'to is required' },
    { name: 'keys that are not keys', method: 'POST', path: `${phonePath(MANUAL)}/dtmf`, body: { digits: '12x' }, status: 400, error: 'digits must be 0-9, *, # or w' },
    { name: 'keys left out', method: 'POST', path: `${phonePath(MANUAL)}/dtmf`, status: 400, error: 'digits must be 0-9, *, # or w' },
    { name: 'keys while idle', method: 'POST', path: `${phonePath(MANUAL)}/dtmf`, body: { digits: '1' }, status: 409, error: 'Manual phone is not on a call' },
    { name: 'text without a body', method: 'POST', path: `${phonePath(MANUAL)}/sms`, body: { to: ECHO }, status: 400, error: 'to and body are required' },
    { name: 'text to blank', method: 'POST', path: `${phonePath(MANUAL)}/sms`, body: { to: ' ', body: 'x' }, status: 400, error: 'to and body are required' },
    { name: 'console answer without sdp', method: 'POST', path: `${phonePath(MANUAL)}/operate/answer`, body: {}, status: 400, error: 'sdp is required' },
    { name: 'console answer before operating', method: 'POST', path: `${phonePath(MANUAL)}/operate/answer`, body: { sdp: 'v=0' }, status: 409, error: 'Start operating the phone first' },
    { name: 'phone that is not an object', method: 'POST', path: '/phones', body: ['x'], status: 400, error: 'Body must be a phone object' },
    { name: 'phone without an E.164 number', method: 'POST', path: '/phones', body: { number: '555' }, status: 400, error: 'number must be an E.164 phone number like +12025550199' },
    {
      name: 'phone with an unknown behaviour', method: 'POST', path: '/phones', body: { number: '+12025550188', behaviour: { kind: 'dance' } }, status: 400,
      error: 'behaviour.kind must be manual, answer, busy or no-answer (answer takes audio echo, tone or silence, after / hangupAfter in ms, and toneHz from 50 to 4000)',
    },
    { name: 'unknown call', method: 'GET', path: '/calls/CA0', status: 404, error: 'No call CA0' },
    { name: 'unknown conference', method: 'GET', path: '/conferences/CF0', status: 404, error: 'No conference CF0' },
    { name: 'participant without a conference', method: 'POST', path: '/conferences/participants', body: { to: ECHO }, status: 400, error: 'conference (a SID or a name) is required' },
    { name: 'participant to nowhere', method: 'POST', path: '/conferences/participants', body: { conference: 'r', to: 'bob' }, status: 400, error: 'to must be a phone number like +12025550199 or client:identity' },
    { name: 'hold that is not a boolean', method: 'POST', path: '/conferences/CF0/participants/CA0', body: { hold: 'yes' }, status: 400, error: 'hold must be true or false' },
    { name: 'drop signaling of nobody', method: 'POST', path: '/faults/drop-signaling', body: {}, status: 400, error: 'identity or sessionId is required' },
    { name: 'identity that is not a string', method: 'POST', path: '/faults/expire-token', body: { identity: 5 }, status: 400, error: 'identity must be a string' },
    { name: 'revoke without a filter', method: 'POST', path: '/faults/revoke-token', status: 400, error: 'identity or sessionId is required' },
    { name: 'block media without ms', method: 'POST', path: '/faults/block-media', body: { identity: 'alice' }, status: 400, error: 'ms must be a whole number of milliseconds from 1 to 600000' },
    { name: 'block media for too long', method: 'POST', path: '/faults/block-media', body: { identity: 'alice', ms: 600_001 }, status: 400, error: 'ms must be a whole number of milliseconds from 1 to 600000' },
    { name: 'block media of nobody', method: 'POST', path: '/faults/block-media', body: { ms: 100 }, status: 400, error: 'identity or callSid is required' },
    { name: 'block media with no live call', method: 'POST', path: '/faults/block-media', body: { identity: 'alice', ms: 100 }, status: 404, error: 'No live call with a media endpoint matches' },
    { name: 'unknown TwiML App', method: 'POST', path: '/applications/AP0', body: {}, status: 404, error: 'No TwiML App AP0' },
    { name: 'voice method PUT', method: 'POST', path: `/applications/${APP}`, body: { voiceMethod: 'PUT' }, status: 400, error: 'voiceMethod must be GET or POST' },
    { name: 'voice URL that is not a string', method: 'POST', path: `/applications/${APP}`, body: { voiceUrl: 1 }, status: 400, error: 'voiceUrl must be a string' },
    { name: 'voice URL that is not http', method: 'POST', path: `/applications/${APP}`, body: { voiceUrl: 'ftp://example.com/x' }, status: 400, error: 'voiceUrl must be an absolute http(s) URL' },
  ];

  it.each(cases)('$name → $status', async ({ method, path: p, body, status, error }) => {
    const res = await request(method, p, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, code: status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'bad_request' });
  });
});

describe('control API failures', () => {
  it('answer 500 { error, code: internal } and keep the details for the log', async () => {
    const logged: unknown[] = [];
    const failing = {
      log: { error: (detail: unknown) => logged.push(detail) },
      sessions: { values: () => { throw new Error('sessions unavailable'); } },
    } as unknown as Emulator;
    const host = Fastify();
    registerControlApi(host, failing);
    try {
      const res = await host.inject({ method: 'GET', url: path('/clients') });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'The emulator failed to handle this request; see its log', code: 'internal' });
      expectContract(ControlError, res.json());
      expect(res.body).not.toContain('sessions unavailable');
      expect(logged).toEqual([{ err: expect.objectContaining({ message: 'sessions unavailable' }) }]);
    } finally {
      await host.close();
    }
  });
});
