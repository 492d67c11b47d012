// The app's webhooks and what it serves besides the API, through inject(); the API routes are in app.test.ts.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppConfig } from './config';
import {
  ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, form, localConfig, sign,
} from '../test-support/server-fixtures';
import { JSON_HEADERS as json, readyTwilioApp, testApp, webRoot } from '../test-support/app-requests';

let config: AppConfig;
let app: FastifyInstance;
const root = webRoot();

beforeAll(async () => {
  ({ app, config } = await readyTwilioApp({ webRoot: root }));
});
afterAll(() => app.close());

describe('webhooks', () => {
  const post = (url: string, params: Record<string, string>, signature?: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
      },
      payload: form(params),
    });
  const signed = (path: string, params: Record<string, string>) => post(path, params, sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, params));
  const call = { CallSid: `CA${'1'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: 'client:alice', To: '+12025550123' };

  it.each(['/handle_calls', '/handle_calls/after-dial?leg=inbound', '/handle_calls/status', '/handle_calls/voicemail-done', '/handle_calls/recording'])('%s without a signature is 403 with no TwiML', async (path) => {
    const res = await post(path, call);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'This request is not signed by Twilio for this account.', code: 'bad_signature' });
    expect(res.body).not.toContain('<Response');
  });

  it.each([
    ['wrong token', () => sign('0'.repeat(32), `${PUBLIC_BASE_URL}/handle_calls`, call), call],
    ['another URL (Host-header trick)', () => sign(AUTH_TOKEN, 'https://evil.example/handle_calls', call), call],
    ['tampered parameter', () => sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_calls`, call), { ...call, To: '+19005550100' }],
    ['garbage', () => 'not-a-signature', call],
  ])('refuses a %s', async (_name, signature, params) => {
    const res = await post('/handle_calls', params, signature());
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('<Response');
  });

  it('a signed call from client:alice to an allowed number dials it with the team caller ID', async () => {
    const res = await signed('/handle_calls', call);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Dial callerId="+12025550100" answerOnBridge="true"');
    expect(res.body).toMatch(/<Number [^>]*>\+12025550123<\/Number>/);
  });

  it('a signed call with markup in To gets a refusal, not markup', async () => {
    const res = await signed('/handle_calls', { ...call, To: '"><Dial><Number>+19005550100</Number></Dial>' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<Dial');
    expect(res.body).toContain('<Say>Sorry, that number is not valid.');
  });

  it('a signed inbound call rings the group with the caller ID', async () => {
    const res = await signed('/handle_calls', { ...call, From: '+12025550199', To: TEAM_NUMBER, Direction: 'inbound' });
    expect(res.body).toContain('<Dial callerId="+12025550199" answerOnBridge="true" timeout="25" action="https://phone.example.com/handle_calls/after-dial?leg=inbound"');
    expect(res.body.match(/<Client /g)).toHaveLength(3);
  });

  it('after-dial greets the caller and records a message when nobody answered', async () => {
    const res = await signed('/handle_calls/after-dial?leg=inbound', { ...call, DialCallStatus: 'no-answer' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<Say>${config.voicemail.greeting}</Say><Record maxLength="120" playBeep="true" finishOnKey="#"`);
    expect(res.body).toContain('recordingStatusCallback="https://phone.example.com/handle_calls/recording"');
    expect(res.body).toContain('<Hangup/>');
  });

  it('the message done, the caller is thanked and the call ends', async () => {
    const res = await signed('/handle_calls/voicemail-done', { ...call, RecordingDuration: '3', Digits: '#' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Say>Thank you, your message has been recorded. Goodbye.</Say><Hangup/>');
  });

  it('the signature covers the query string', async () => {
    const params = { ...call, DialCallStatus: 'no-answer' };
    const res = await post('/handle_calls/after-dial?leg=number', params, sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_calls/after-dial?leg=inbound`, params));
    expect(res.statusCode).toBe(403);
  });

  it('status callbacks are accepted when signed', async () => {
    const res = await signed('/handle_calls/status', { ...call, CallStatus: 'ringing', ParentCallSid: `CA${'2'.repeat(32)}` });
    expect(res.statusCode).toBe(204);
  });

  it('form bodies are parsed only for the webhooks', async () => {
    const res = await app.inject({ method: 'POST', url: '/healthz', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
    expect(res.statusCode).toBe(404);
  });
});

describe('static files, health and headers', () => {
  it('serves index.html without caching and with a strict CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Softphone</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' wss://*.twilio.com https://*.twilio.com");
    expect(csp).toContain("media-src 'self' blob: data: https://sdk.twilio.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['permissions-policy']).toContain('microphone=(self)');
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('sends the precompressed copy to browsers that accept it, with the same caching', async () => {
    const br = await app.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe('console.log(1)');
    const plain = await app.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log(1)');
  });

  it('serves the service worker and the manifest from the root, revalidated on every load', async () => {
    const sw = await app.inject({ method: 'GET', url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    // Revalidated, so a deploy's new worker is seen at the next navigation (browsers also skip the HTTP cache for it).
    expect(sw.headers['cache-control']).toBe('no-cache');
    const manifest = await app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
  });

  it('revalidates other files', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for app routes, but not for API or webhook paths', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const app1 = await app.inject({ method: 'GET', url: '/settings/audio', headers: html });
    expect(app1.statusCode).toBe(200);
    expect(app1.body).toContain('<title>Softphone</title>');
    expect(app1.headers['cache-control']).toBe('no-cache');
    for (const url of ['/api/nope', '/handle_calls', '/emulator/x', '/2010-04-01/Accounts', '/signal', '/assets/missing.js']) {
      const res = await app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({ error: 'There is nothing at this address.', code: 'not_found' });
    }
    const noHtml = await app.inject({ method: 'GET', url: '/settings/audio', headers: { accept: 'application/json' } });
    expect(noHtml.statusCode).toBe(404);
  });

  it('says how to build the web app when dist/web is missing', async () => {
    const { app: bare } = await testApp(config, { webRoot: join(tmpdir(), 'softphone-no-such-dir') });
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });

  it('GET /healthz', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, database: { status: 'ok', since: expect.any(String), kind: 'external' } });
  });

  it('sounds are cacheable and revalidate with an ETag', async () => {
    const res = await app.inject({ method: 'GET', url: '/sounds/dtmf-5.wav' });
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    const again = await app.inject({ method: 'GET', url: '/sounds/dtmf-5.wav', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/sounds/../config.wav' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/sounds/nope.wav' })).statusCode).toBe(404);
    // The conference's holdUrl: Twilio fetches it with no session.
    const hold = await app.inject({ method: 'GET', url: '/sounds/hold.wav' });
    expect([hold.statusCode, hold.headers['content-type']]).toEqual([200, 'audio/wav']);
  });

  it('local mode CSP allows the signaling socket on this origin and no Twilio hosts', async () => {
    const { app: local } = await testApp(localConfig(), { webRoot: root });
    const res = await local.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' wss://localhost:3201");
    expect(csp).not.toContain('twilio.com');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    await local.close();
  });
});
