// VOICEMAIL_STORE=database against the local stand-in for Twilio over HTTPS: a simulated phone leaves a real
// message, the copy job downloads it with the API key through the same code as production (media.ts, the
// `twilio` helper's remove), the recording is then gone from the emulator's Recordings, and the audio the
// app serves from PostgreSQL is, byte for byte, what the emulator had (whole, and by Range).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorPlugin } from '../../emulator/plugin';
import { generateLocalTls } from '../../local-setup/setup';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import type { AppConfig } from '../config';
import type { Store } from '../store/store';
import { twilioRecordingMedia } from './media';
import { twilioRecordingRemover } from './purge';
import { dominantFrequency, readWav } from '../../test-support/audio-analysis';
import { signedInCookie, testApp } from '../../test-support/app-requests';
import { testStore } from '../../test-support/database';
import { PASSWORDS, twilioConfig } from '../../test-support/server-fixtures';
import { eventually } from '../../test-support/wait';

const TEAM = '+12025550100';
const PHONE = '+12025550177';

let emulator: FastifyInstance;
let origin: string;
let ca: string;
let hooks: http.Server;
let completed: Record<string, string>[] = [];
let config: AppConfig;
let store: Store;
let app: FastifyInstance;
let alice: string;
let basic: string;

beforeAll(async () => {
  config = await twilioConfig({ VOICEMAIL_STORE: 'database' });
  const account = { accountSid: config.account.accountSid, apiKeySid: config.account.apiKeySid, apiKeySecret: config.account.apiKeySecret };
  basic = `Basic ${Buffer.from(`${account.apiKeySid}:${account.apiKeySecret}`).toString('base64')}`;
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      if (req.url === '/recording-status' && params.RecordingStatus === 'completed') completed.push(params);
      const twiml = req.url === '/voice' ? '<Response><Record maxLength="20" finishOnKey="#" recordingStatusCallback="/recording-status"/></Response>' : '<Response/>';
      res.writeHead(200, { 'content-type': 'text/xml' }).end(twiml);
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const tls = await generateLocalTls();
  ca = tls.cert;
  emulator = Fastify({ https: tls });
  await emulator.register(emulatorPlugin, {
    account: { accountSid: account.accountSid, authToken: config.account.authToken, apiKeys: [{ sid: account.apiKeySid, secret: account.apiKeySecret }] },
    applications: [],
    numbers: [{ phoneNumber: TEAM, voiceUrl: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/voice` }],
    publicOrigin: 'https://emulator.example.test',
  });
  await emulator.listen({ port: 0, host: '127.0.0.1' });
  origin = `https://127.0.0.1:${(emulator.server.address() as AddressInfo).port}`;
  const media = twilioRecordingMedia({ account, origin, ca });
  store = await testStore(config, { recordings: twilioRecordingRemover(config.account, emulatorRequestClient(origin, ca)), copyAudioFrom: media });
  ({ app } = await testApp(config, { store, recordings: media }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  await emulator?.close();
  await new Promise((r) => hooks?.close(r));
});

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await emulator.inject({ method: method as 'GET', url: `/emulator/api${path}`, ...(body === undefined ? {} : { payload: body as object }) });
  return res.json() as T;
}

const restWav = (recordingSid: string) => emulator.inject({ method: 'GET', url: `/2010-04-01/Accounts/${config.account.accountSid}/Recordings/${recordingSid}.wav`, headers: { authorization: basic } });

describe('VOICEMAIL_STORE=database with the emulator', { timeout: 60_000 }, () => {
  it('copies a real message into the database, removes it at the emulator, and serves exactly its bytes', async () => {
    completed = [];
    await control('POST', '/phones', { number: PHONE, name: PHONE, behaviour: { kind: 'manual' } });
    await control('POST', `/phones/${encodeURIComponent(PHONE)}/leave-message`, { to: TEAM, seconds: 2, toneHz: 440 });
    await eventually(() => completed.length > 0, 'the completed recording callback', 30_000);
    const { RecordingSid: recordingSid, CallSid: callSid, RecordingDuration: duration } = completed[0]!;
    const before = await restWav(recordingSid!);
    expect(before.statusCode).toBe(200);
    const original = before.rawPayload;
    expect(dominantFrequency(readWav(original).samples)).toBeCloseTo(440, -1);

    await store.voicemails.record({ kind: 'recording', call: callSid!, at: new Date().toISOString(), from: PHONE, to: TEAM, recording: recordingSid!, status: 'completed', duration: Number(duration) });
    await store.voicemailCopy!.idle();
    expect(await store.voicemailCopy!.run()).toEqual({ copied: 1, failed: 0, gone: 0 });

    // Gone from the emulator's Recordings (control API and REST) once the copy was stored.
    expect((await control<{ sid: string }[]>('GET', '/recordings')).map((r) => r.sid)).not.toContain(recordingSid);
    expect((await restWav(recordingSid!)).statusCode).toBe(404);

    const [{ id }] = (await app.inject({ method: 'GET', url: '/api/voicemails', headers: { cookie: alice } })).json().items as [{ id: string }];
    const whole = await app.inject({ method: 'GET', url: `/api/voicemails/${id}/audio`, headers: { cookie: alice } });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(whole.rawPayload.equals(original)).toBe(true);
    const part = await app.inject({ method: 'GET', url: `/api/voicemails/${id}/audio`, headers: { cookie: alice, range: 'bytes=44-1043' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 44-1043/${original.length}`);
    expect(part.rawPayload.equals(original.subarray(44, 1044))).toBe(true);
    const past = await app.inject({ method: 'GET', url: `/api/voicemails/${id}/audio`, headers: { cookie: alice, range: `bytes=${original.length}-` } });
    expect(past.statusCode).toBe(416);
  });
});
