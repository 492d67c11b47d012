/**
 * No secret — API key secret, auth token, session secret (or the key made from it), password hashes,
 * passwords — shows in any response body or header, page, log line (captured at trace level through a
 * whole session) or error message, in either mode.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';

import { ConfigError, parseConfig } from '../config';
import { DEFAULT_DEMO_PASSWORD } from '../../local-setup/demo';
import type { AppConfig } from '../config';
import { sessionKey } from '../plugins/session';
import { RATE_LIMITS } from '../rate-limits';
import { PASSWORDS, form, localConfig, sign, softphoneUsers, twilioConfig, twilioEnv } from '../../test-support/server-fixtures';
import { JSON_HEADERS, address, cookieOf, testApp, webRoot } from '../../test-support/app-requests';

interface Secret {
  name: string;
  value: string;
}

/** Each secret in the encodings it could leak in. */
function forms(secret: Secret): Secret[] {
  const bytes = Buffer.from(secret.value, 'utf8');
  const variants = new Set([
    secret.value,
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    encodeURIComponent(secret.value),
    JSON.stringify(secret.value).slice(1, -1),
  ]);
  return [...variants].filter((v) => v.length >= 8).map((value) => ({ name: secret.name, value }));
}

function secretsOf(config: AppConfig, passwords: string[]): Secret[] {
  const list: Secret[] = [
    { name: 'API key secret', value: config.account.apiKeySecret },
    { name: 'auth token', value: config.account.authToken },
    { name: 'session secret', value: config.sessionSecret },
    { name: 'session key (hex)', value: sessionKey(config.sessionSecret).toString('hex') },
    { name: 'session key (base64)', value: sessionKey(config.sessionSecret).toString('base64') },
    ...passwords.map((value) => ({ name: 'password', value })),
  ];
  for (const user of config.users) {
    if (!user.passwordHash) continue;
    list.push({ name: `${user.name}'s password hash`, value: user.passwordHash });
    // The salt and the derived key are secret on their own too.
    for (const part of user.passwordHash.split('$').slice(4)) list.push({ name: `part of ${user.name}'s password hash`, value: part });
  }
  return list.flatMap(forms);
}

function leaks(text: string, secrets: Secret[]): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => s.name);
}

function render(res: LightMyRequestResponse): string {
  return `${res.statusCode}\n${Object.entries(res.headers).map(([k, v]) => `${k}: ${[v].flat().join(', ')}`).join('\n')}\n\n${res.rawPayload.toString('latin1')}`;
}

/** Builds an app whose log (every level) is captured, and runs a whole day of use through it. */
async function wholeFlow(config: AppConfig, password: string) {
  const log: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  const { app } = await testApp(config, { webRoot: webRoot(), logger: { level: 'trace', stream } });
  await app.ready();
  const responses: [string, LightMyRequestResponse][] = [];
  const send = async (what: string, options: InjectOptions) => {
    const res = await app.inject(options);
    responses.push([what, res]);
    return res;
  };
  const json = { ...JSON_HEADERS, origin: config.publicBaseUrl };
  const webhook = (url: string, params: Record<string, string>, token = config.account.authToken) =>
    send(`webhook ${url}`, {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(token, `${config.publicBaseUrl}${url}`, params) },
      payload: form(params),
    });

  await send('app page', { method: 'GET', url: '/', headers: { accept: 'text/html' } });
  await send('client route', { method: 'GET', url: '/settings', headers: { accept: 'text/html' } });
  await send('config', { method: 'GET', url: '/api/config' });
  await send('health', { method: 'GET', url: '/healthz' });
  await send('asset', { method: 'GET', url: '/assets/app-abc123.js' });
  await send('sound', { method: 'GET', url: '/sounds/incoming.wav' });
  await send('not found', { method: 'GET', url: '/api/nothing' });
  await send('wrong password', { method: 'POST', url: '/api/session', headers: json, remoteAddress: address(), payload: { username: 'alice', password: `${password}-wrong` } });
  await send('unknown user', { method: 'POST', url: '/api/session', headers: json, remoteAddress: address(), payload: { username: 'nobody', password } });
  await send('demo password', { method: 'POST', url: '/api/session', headers: json, remoteAddress: address(), payload: { username: 'bob', password: DEFAULT_DEMO_PASSWORD } });
  await send('malformed JSON', { method: 'POST', url: '/api/session', headers: json, payload: `{"username":"alice","password":"${password}"` });
  await send('oversized', { method: 'POST', url: '/api/session', headers: json, payload: JSON.stringify({ username: 'alice', password: password.padEnd(5000, 'x') }) });
  await send('form post', { method: 'POST', url: '/api/session', headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=alice&password=${password}` });
  await send('cross-site', { method: 'POST', url: '/api/session', headers: { ...json, origin: 'https://evil.example' }, payload: { username: 'alice', password } });
  const signedIn = await send('sign-in', { method: 'POST', url: '/api/session', headers: json, remoteAddress: address(), payload: { username: 'alice', password } });
  expect(signedIn.statusCode).toBe(200);
  const cookie = cookieOf(signedIn);
  await send('who am I', { method: 'GET', url: '/api/session', headers: { cookie } });
  for (let i = 0; i <= RATE_LIMITS.token.max; i++) {
    const token = await send('token', { method: 'POST', url: '/api/token', headers: { ...json, cookie }, payload: {} });
    if (i === 0) expect(token.statusCode).toBe(200);
  }
  expect(responses.at(-1)![1].statusCode).toBe(429);
  const call = { CallSid: `CA${'1'.repeat(32)}`, AccountSid: config.account.accountSid, From: 'client:alice', To: '+12025550123' };
  await webhook('/handle_calls', call);
  await webhook('/handle_calls', { ...call, From: '+12025550111', To: config.account.teamNumber });
  await webhook('/handle_calls', call, 'f'.repeat(32));
  await webhook('/handle_calls/after-dial?leg=number', { ...call, DialCallStatus: 'busy' });
  await webhook('/handle_calls/status', { ...call, CallStatus: 'completed' });
  await send('sign-out', { method: 'DELETE', url: '/api/session', headers: { ...json, cookie } });
  await app.close();
  return { responses, log };
}

describe('no secret in responses, pages, logs or errors', () => {
  it.each([['twilio'], ['local']] as const)('%s mode: a whole session, logged at trace level', async (mode) => {
    const config = mode === 'twilio' ? await twilioConfig() : localConfig({ DEMO_PASSWORD: 'local-demo-password' });
    const password = mode === 'twilio' ? PASSWORDS.alice! : config.demoPassword!;
    const passwords = mode === 'twilio' ? Object.values(PASSWORDS) : [password];
    const secrets = secretsOf(config, passwords);
    const { responses, log } = await wholeFlow(config, password);

    const found: string[] = [];
    for (const [what, res] of responses) for (const name of leaks(render(res), secrets)) found.push(`${what} response: ${name}`);
    for (const line of log) for (const name of leaks(line, secrets)) found.push(`log "${line.slice(0, 120)}": ${name}`);
    expect(found).toEqual([]);
    // The log did see the whole flow (an empty log would prove nothing).
    expect(log.length).toBeGreaterThan(responses.length);
    expect(log.some((l) => l.includes('"level":10') || l.includes('"level":20'))).toBe(true);
    expect(log.some((l) => l.includes('sign-in-failed'))).toBe(true);
    expect(log.some((l) => l.includes('webhook-signature-rejected'))).toBe(true);
    console.log(`secrets (${mode} mode): ${responses.length} responses and ${log.length} log lines (trace level) searched for ${secrets.length} secret forms, 0 found`);
  });

  it('twilio mode has no demo password: the local default signs nobody in', async () => {
    const config = await twilioConfig();
    expect(config.demoPassword).toBeUndefined();
    const { app } = await testApp(config, { webRoot: webRoot() });
    for (const username of config.users.map((u) => u.name)) {
      const res = await app.inject({ method: 'POST', url: '/api/session', headers: JSON_HEADERS, remoteAddress: address(), payload: { username, password: DEFAULT_DEMO_PASSWORD } });
      expect(res.statusCode).toBe(401);
    }
    await app.close();
  });

  it('an unexpected error answers with a generic sentence, whatever its message says', async () => {
    const config = await twilioConfig();
    const { app } = await testApp(config, { webRoot: webRoot() });
    app.get('/explode', async () => {
      throw new Error(`connection to https://api:${config.account.apiKeySecret}@example failed; token ${config.account.authToken}`);
    });
    const res = await app.inject({ method: 'GET', url: '/explode' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'Something went wrong on the server. Please try again.', code: 'internal' });
    expect(leaks(render(res), secretsOf(config, []))).toEqual([]);
    await app.close();
  });

  it.each([
    ['TWILIO_API_KEY_SECRET', 'not-valid-secret!value-1234'],
    ['TWILIO_AUTH_TOKEN', 'ZZ0123456789abcdef0123456789abcd'],
    ['SESSION_SECRET', 'short-session-secret'],
    ['SOFTPHONE_USERS', 'alice:scrypt$15$8$1$c2VjcmV0c2FsdA$aGFzaA'],
    ['TWILIO_ACCOUNT_SID', 'S3cretS3cretS3cretS3cretS3cret00'],
    ['TWILIO_API_KEY_SID', 'S3cretS3cretS3cretS3cretS3cret00'],
    ['TWIML_APP_SID', 'a-secret-pasted-by-mistake-here'],
  ])('a malformed %s is named, not echoed', async (variable, value) => {
    const users = await softphoneUsers();
    let error: unknown;
    try {
      parseConfig(twilioEnv({ SOFTPHONE_USERS: users, [variable]: value }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    const secretPart = variable === 'SOFTPHONE_USERS' ? value.split(':')[1]! : value;
    expect((error as Error).message).not.toContain(secretPart);
    expect((error as Error).message).not.toContain(secretPart.slice(4, 16));
  });
});
