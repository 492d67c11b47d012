import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { AppConfig } from './config';
import { SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS } from './plugins/session';
import { SIGN_IN_LIMITS } from './routes/session';
import { TOKEN_LIMIT } from './routes/token';
import {
  ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, AUTH_TOKEN, PASSWORDS, TEAM_NUMBER, TWIML_APP_SID,
  form, localConfig, sign, twilioConfig,
} from '../test-support/server-fixtures';
import { JSON_HEADERS as json, ORIGIN, cookieOf, readyTwilioApp, signIn, testApp, webRoot } from '../test-support/app-requests';

let config: AppConfig;
let app: FastifyInstance;
const root = webRoot();

beforeAll(async () => {
  ({ app, config } = await readyTwilioApp({ webRoot: root }));
});
afterAll(() => app.close());

function decodeJwt(token: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
    signature,
    signedPart: `${header}.${payload}`,
  };
}

describe('sign-in', () => {
  it('signs in with the right password and sets a hardened cookie', async () => {
    const res = await signIn(app, 'alice', PASSWORDS.alice!);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ identity: 'alice', colleagues: ['bob', 'carol'] });
    const cookie = res.cookies[0]!;
    expect(cookie.name).toBe('__Host-softphone_session');
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.secure).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.path).toBe('/');
    expect(cookie.domain).toBeUndefined();
    expect(cookie.maxAge).toBeGreaterThan(0);
    // The cookie is encrypted: neither the name nor the password shows.
    expect(cookie.value).not.toContain('alice');
    const me = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ identity: 'alice', colleagues: ['bob', 'carol'] });
  });

  it('accepts the user name in any case and with spaces around', async () => {
    const res = await signIn(app, '  Bob ', PASSWORDS.bob!);
    expect(res.statusCode).toBe(200);
    expect(res.json().identity).toBe('bob');
  });

  it.each([
    ['wrong password', 'alice', 'wrong-password'],
    ['unknown user', 'mallory', 'alice-password'],
    ['another user’s password', 'alice', 'bob-password'],
  ])('refuses a %s with the same answer', async (_name, username, password) => {
    const res = await signIn(app, username, password);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'The user name or password is wrong.', code: 'bad_credentials' });
    expect(res.cookies).toHaveLength(0);
  });

  it('refuses a malformed body with a readable error', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/session', headers: json, payload: { username: 'alice' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('bad_request');
    expect(res.json().error).toMatch(/password/);
  });

  it('GET /api/session is 401 without a cookie and with a forged one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
    const forged = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: '__Host-softphone_session=abc;def' } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toEqual({ error: 'You are not signed in.', code: 'signed_out' });
  });

  it('a cookie made with another SESSION_SECRET is not accepted', async () => {
    const { app: other } = await testApp({ ...config, sessionSecret: 'y'.repeat(48) }, { webRoot: root });
    const res = await signIn(other, 'alice', PASSWORDS.alice!);
    expect(res.statusCode).toBe(200);
    const me = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(401);
    await other.close();
  });

  it('a second replica with the same secret accepts the cookie', async () => {
    const { app: replica } = await testApp(config, { webRoot: root });
    const res = await signIn(app, 'carol', PASSWORDS.carol!);
    const me = await replica.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookieOf(res) } });
    expect(me.json().identity).toBe('carol');
    await replica.close();
  });

  it('DELETE /api/session signs out', async () => {
    const res = await signIn(app, 'alice', PASSWORDS.alice!);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: cookieOf(res), origin: ORIGIN } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies[0]!;
    expect(cleared.value).toBe('');
    expect(cleared.maxAge).toBe(0);
    // With JSON content type and an empty body too (what fetch sends by default with headers set).
    const again = await app.inject({ method: 'DELETE', url: '/api/session', headers: { ...json, cookie: cookieOf(res) } });
    expect(again.statusCode).toBe(204);
  });
});

describe('session expiry (stored inside the cookie)', () => {
  const at = (seconds: number, start: number) => vi.setSystemTime(start + seconds * 1000);
  const me = (cookie: string) => app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });

  it('ends after the idle time without activity', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.now();
      const cookie = cookieOf(await signIn(app, 'alice', PASSWORDS.alice!));
      at(SESSION_IDLE_SECONDS - 60, start);
      expect((await me(cookie)).statusCode).toBe(200);
      at(SESSION_IDLE_SECONDS + 60, start);
      expect((await me(cookie)).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('slides with activity but never past the absolute limit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.now();
      let cookie = cookieOf(await signIn(app, 'bob', PASSWORDS.bob!));
      const step = SESSION_IDLE_SECONDS - 3600;
      let t = 0;
      while (t + step < SESSION_MAX_SECONDS) {
        t += step;
        at(t, start);
        const res = await me(cookie);
        expect(res.statusCode, `after ${t} s`).toBe(200);
        // Activity re-issues the cookie with a new last-seen time.
        expect(res.headers['set-cookie']).toBeDefined();
        cookie = cookieOf(res);
      }
      at(SESSION_MAX_SECONDS + 60, start);
      expect((await me(cookie)).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sign-in rate limits', () => {
  it('blocks a user name after too many failures, even with the right password, but not other users', async () => {
    const { app: limited } = await testApp(config, { webRoot: root });
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerUser.max; i++) {
      expect((await signIn(limited, 'bob', `wrong-${i}`)).statusCode).toBe(401);
    }
    const blocked = await signIn(limited, 'bob', PASSWORDS.bob!);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(limited, 'BOB', PASSWORDS.bob!)).statusCode).toBe(429);
    expect((await signIn(limited, 'alice', PASSWORDS.alice!)).statusCode).toBe(200);
    await limited.close();
  });

  it('blocks an address after too many attempts', async () => {
    const { app: limited } = await testApp(config, { webRoot: root });
    const from = '192.0.2.7';
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress.max; i++) {
      const res = await signIn(limited, `user${i}`, 'x', from);
      expect(res.statusCode).toBe(401);
    }
    const blocked = await signIn(limited, 'alice', PASSWORDS.alice!, from);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'rate_limited' });
    expect((await signIn(limited, 'alice', PASSWORDS.alice!, '192.0.2.8')).statusCode).toBe(200);
    await limited.close();
  });
});

describe('CSRF protection', () => {
  it.each([
    ['form content type', { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN }, 'username=alice&password=x', 415, 'json_required'],
    ['text/plain (a simple cross-site request)', { 'content-type': 'text/plain', origin: ORIGIN }, '{"username":"alice","password":"x"}', 415, 'json_required'],
    ['another origin', { ...json, origin: 'https://evil.example' }, undefined, 403, 'cross_site'],
    ['cross-site fetch metadata', { ...json, 'sec-fetch-site': 'cross-site' }, undefined, 403, 'cross_site'],
    ['same-site but other origin', { ...json, 'sec-fetch-site': 'same-site' }, undefined, 403, 'cross_site'],
    ['null origin (sandboxed frame)', { ...json, origin: 'null' }, undefined, 403, 'cross_site'],
  ])('refuses %s', async (_name, headers, payload, status, code) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers,
      payload: payload ?? JSON.stringify({ username: 'alice', password: PASSWORDS.alice }),
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
    expect(res.cookies).toHaveLength(0);
  });

  it('refuses a cross-site sign-out and token request', async () => {
    const signedIn = await signIn(app, 'alice', PASSWORDS.alice!);
    const cookie = cookieOf(signedIn);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, origin: 'https://evil.example' } });
    expect(out.statusCode).toBe(403);
    const token = await app.inject({ method: 'POST', url: '/api/token', headers: { cookie, 'content-type': 'text/plain' }, payload: '{}' });
    expect(token.statusCode).toBe(415);
  });
});

describe('POST /api/token', () => {
  it('is 401 when signed out', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/token', headers: json, payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('signed_out');
  });

  it('returns an AccessToken with a VoiceGrant, signed with the API key secret', async () => {
    const signedIn = await signIn(app, 'alice', PASSWORDS.alice!);
    const before = Math.floor(Date.now() / 1000);
    const res = await app.inject({ method: 'POST', url: '/api/token', headers: { ...json, cookie: cookieOf(signedIn) }, payload: {} });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.identity).toBe('alice');
    expect(body.ttl).toBe(3600);

    const jwt = decodeJwt(body.token);
    expect(jwt.header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    const expected = createHmac('sha256', API_KEY_SECRET).update(jwt.signedPart).digest('base64url');
    expect(jwt.signature).toBe(expected);
    const wrong = createHmac('sha256', 'another-secret').update(jwt.signedPart).digest('base64url');
    expect(jwt.signature).not.toBe(wrong);

    const claims = jwt.payload;
    expect(claims.iss).toBe(API_KEY_SID);
    expect(claims.sub).toBe(ACCOUNT_SID);
    expect(claims.jti).toMatch(new RegExp(`^${API_KEY_SID}-`));
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(claims.grants).toEqual({
      identity: 'alice',
      voice: { incoming: { allow: true }, outgoing: { application_sid: TWIML_APP_SID } },
    });
  });

  it('uses TOKEN_TTL_SECONDS', async () => {
    const { app: short } = await testApp(await twilioConfig({ TOKEN_TTL_SECONDS: '600' }), { webRoot: root });
    const signedIn = await signIn(short, 'bob', PASSWORDS.bob!);
    const res = await short.inject({ method: 'POST', url: '/api/token', headers: { ...json, cookie: cookieOf(signedIn) }, payload: {} });
    const claims = decodeJwt(res.json().token).payload;
    expect(res.json().ttl).toBe(600);
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.grants.identity).toBe('bob');
    await short.close();
  });

  it('is rate-limited per user', async () => {
    const { app: limited } = await testApp(config, { webRoot: root });
    const cookie = cookieOf(await signIn(limited, 'carol', PASSWORDS.carol!));
    const codes: number[] = [];
    for (let i = 0; i <= TOKEN_LIMIT.max; i++) {
      codes.push((await limited.inject({ method: 'POST', url: '/api/token', headers: { ...json, cookie }, payload: {} })).statusCode);
    }
    expect(codes.slice(0, TOKEN_LIMIT.max).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    await limited.close();
  });
});

describe('GET /api/config', () => {
  it('twilio mode: public facts only, no device options', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/config' });
    expect(res.json()).toEqual({
      mode: 'twilio',
      teamNumber: TEAM_NUMBER,
      defaultCountry: 'US',
      dialAllowedCountries: ['US'],
      deviceOptions: {},
      emergency: { calling: false, numbers: ['112', '911'] },
    });
    for (const secret of [AUTH_TOKEN, API_KEY_SECRET, config.sessionSecret]) expect(res.body).not.toContain(secret);
  });

  it('local mode: the Device talks to this origin and plays sounds from it', async () => {
    const { app: local } = await testApp(localConfig(), { webRoot: root });
    const res = await local.inject({ method: 'GET', url: '/api/config' });
    const body = res.json();
    expect(body.mode).toBe('local');
    expect(body.teamNumber).toBe('+12025550100');
    expect(body.deviceOptions.chunderw).toBe('localhost:3201');
    expect(body.deviceOptions.publishEvents).toBe(false);
    expect(Object.keys(body.deviceOptions.sounds).sort()).toEqual(
      ['disconnect', 'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4', 'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9', 'dtmfh', 'dtmfs', 'incoming', 'outgoing'],
    );
    for (const url of Object.values(body.deviceOptions.sounds) as string[]) {
      const wav = await local.inject({ method: 'GET', url });
      expect(wav.statusCode).toBe(200);
      expect(wav.headers['content-type']).toBe('audio/wav');
      expect(wav.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    }
    await local.close();
  });

  it('local mode with EMULATOR_ORIGIN: the Device signals to the stand-in running on its own, and the CSP allows it', async () => {
    const { app: local } = await testApp(localConfig({ EMULATOR_ORIGIN: 'https://localhost:3301' }), { webRoot: root });
    const res = await local.inject({ method: 'GET', url: '/api/config' });
    expect(res.json().deviceOptions.chunderw).toBe('localhost:3301');
    expect(res.json().deviceOptions.sounds.incoming).toMatch(/^\/sounds\//);
    expect(String(res.headers['content-security-policy'])).toMatch(/connect-src [^;]*wss:\/\/localhost:3301/);
    await local.close();
  });

  it('local mode demo users sign in with DEMO_PASSWORD and get a working cookie over https', async () => {
    const { app: local } = await testApp(localConfig({ DEMO_PASSWORD: 'demo-pass' }), { webRoot: root });
    const origin = 'https://localhost:3201';
    const res = await local.inject({ method: 'POST', url: '/api/session', headers: { ...json, origin }, payload: { username: 'carol', password: 'demo-pass' } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies[0]!.secure).toBe(true);
    const alias = await local.inject({ method: 'POST', url: '/api/session', headers: { ...json, origin: 'https://127.0.0.1:3201' }, payload: { username: 'bob', password: 'demo-pass' } });
    expect(alias.statusCode).toBe(200);
    const wrong = await local.inject({ method: 'POST', url: '/api/session', headers: { ...json, origin }, payload: { username: 'carol', password: 'softphone' } });
    expect(wrong.statusCode).toBe(401);
    await local.close();
  });
});
