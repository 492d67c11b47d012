/**
 * Sign-in is required where it should be, session cookies cannot be forged or tampered with, they
 * expire (idle and absolute), sign-out ends the session in that browser, and cross-site requests cannot
 * change state.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { allowedOrigins } from '../plugins/csrf';
import { SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, sessionCookieName } from '../plugins/session';
import { AUTH_TOKEN, PASSWORDS, form, localConfig, sign, twilioConfig } from '../../test-support/server-fixtures';
import { fakeSender } from '../../test-support/fake-sender';
import {
  JSON_HEADERS, ORIGIN, address, appWithRoutes, cookieForge, cookieOf, nowSeconds, requestFor, signIn, signedInCookie,
} from '../../test-support/app-requests';
import type { RouteEntry } from '../../test-support/app-requests';

/**
 * Every route the app has, by what it takes to use it. A route missing here fails the first test: whoever
 * adds one decides which kind it is.
 */
const OPEN: Record<string, string> = {
  'GET /': 'the app page',
  'GET /*': 'files of the built app',
  'GET /healthz': 'health check',
  'GET /api/config': 'public facts the page needs before sign-in',
  'GET /api/openapi.json': 'the API description, generated from the route schemas (no secrets: routes/openapi.test.ts)',
  'GET /sounds/:file': 'ringtones',
  'POST /api/session': 'sign-in itself',
  'DELETE /api/session': 'sign-out (works signed out too)',
};
const CALL_ACTIONS = [
  'POST /api/calls/:id/hold', 'POST /api/calls/:id/resume', 'POST /api/calls/:id/transfer', 'POST /api/calls/:id/transfer/complete',
  'POST /api/calls/:id/transfer/cancel', 'POST /api/calls/:id/add', 'POST /api/calls/:id/park', 'POST /api/calls/:id/unpark',
  'POST /api/calls/:id/hangup',
];
const SIGNED_IN = [
  'GET /api/session', 'POST /api/token', 'GET /api/calls', 'POST /api/calls/seen', 'GET /api/unseen', 'GET /api/presence', 'PUT /api/presence/me',
  'GET /api/events', 'POST /api/messages', 'GET /api/conversations', 'GET /api/conversations/:id/messages', 'POST /api/conversations/:id/read',
  'GET /api/voicemails', 'GET /api/voicemails/:id/audio', 'POST /api/voicemails/:id/heard', 'DELETE /api/voicemails/:id', 'POST /api/voicemails/:id/restore', 'GET /api/messages/:id/media/:n',
  'GET /api/me/personal-number', 'PUT /api/me/personal-number', 'POST /api/click-to-call', 'POST /api/click-to-call/:sid/hangup',
  'GET /api/calls/live', ...CALL_ACTIONS,
];
const SIGNED_BY_TWILIO = [
  'POST /handle_calls', 'POST /handle_calls/after-dial', 'POST /handle_calls/status', 'POST /handle_calls/voicemail-done', 'POST /handle_calls/recording',
  'POST /handle_sms', 'POST /handle_sms/status', 'POST /handle_calls/say',
  'POST /handle_calls/click-to-call', 'POST /handle_calls/click-to-call/connect', 'POST /handle_calls/click-to-call/status',
  'POST /handle_calls/conference', 'POST /handle_calls/conference-leg',
];
const STATE_CHANGING = [
  'POST /api/session', 'DELETE /api/session', 'POST /api/token', 'POST /api/calls/seen', 'PUT /api/presence/me', 'POST /api/messages', 'POST /api/conversations/:id/read',
  'POST /api/voicemails/:id/heard', 'DELETE /api/voicemails/:id', 'POST /api/voicemails/:id/restore',
  'PUT /api/me/personal-number', 'POST /api/click-to-call', 'POST /api/click-to-call/:sid/hangup', ...CALL_ACTIONS,
];
/** Signed-in answers other than 200: created; conversation 1 is there once the send has run, not before. */
const ACCEPTED: Record<string, number[]> = {
  'POST /api/messages': [201],
  // No voicemail has the id the request fills in: refused as malformed or not found.
  'GET /api/voicemails/:id/audio': [400, 404], 'POST /api/voicemails/:id/heard': [400, 404],
  'DELETE /api/voicemails/:id': [400, 404], 'POST /api/voicemails/:id/restore': [400, 404],
  'GET /api/messages/:id/media/:n': [400, 404],
  'GET /api/conversations/:id/messages': [200, 404], 'POST /api/conversations/:id/read': [200, 404],
  // No personal number is kept and this app places no calls; the made-up call is not the user's.
  'POST /api/click-to-call': [409, 503], 'POST /api/click-to-call/:sid/hangup': [404, 503],
  // No live call has the id the request fills in.
  ...Object.fromEntries(CALL_ACTIONS.map((r) => [r, [404]])) };
/** Endless answers: read as a stream, then let go. */
const STREAMING = ['GET /api/events'];
/** What a signed-in request gets from routes that name a resource: the made-up id is refused, the session is not. */
/** What a signed-in request sends to each route that takes a body. */
const BODIES: Record<string, unknown> = {
  'PUT /api/presence/me': { availability: 'available' }, 'POST /api/messages': { to: '+14155550123', body: 'Hello' },
  'PUT /api/me/personal-number': { personalNumber: null }, 'POST /api/click-to-call': { to: '+14155550123' }, 'POST /api/click-to-call/:sid/hangup': {},
  'POST /api/calls/:id/transfer': { to: 'bob', mode: 'blind' }, 'POST /api/calls/:id/add': { to: 'bob' },
};

const key = (r: RouteEntry) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;

let config: AppConfig;
let app: FastifyInstance;
let routes: RouteEntry[];
let forge: Awaited<ReturnType<typeof cookieForge>>;
let alice: string;

beforeAll(async () => {
  config = await twilioConfig();
  ({ app, routes } = await appWithRoutes(config, { sender: fakeSender() }));
  forge = await cookieForge(config.sessionSecret);
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
});
afterAll(async () => {
  await app.close();
  await forge.close();
});

const protectedRoutes = () => routes.filter((r) => SIGNED_IN.includes(key(r)));

describe('routes that need sign-in', () => {
  it('every route is classified as open, signed-in or signed by Twilio', () => {
    const known = new Set([...Object.keys(OPEN), ...SIGNED_IN, ...SIGNED_BY_TWILIO]);
    const unclassified = routes.filter((r) => r.method !== 'OPTIONS' && !known.has(key(r))).map(key);
    expect(unclassified).toEqual([]);
    // The tables are not stale either: each entry names a real route.
    for (const entry of known) expect(routes.map(key), entry).toContain(entry);
  });

  /** Ways to present no valid session; each must get 401 signed_out from every signed-in route. */
  const badSessions = (): [string, () => Record<string, string>][] => {
    const name = sessionCookieName(true);
    const [cookieName, value] = alice.split('=') as [string, string];
    const raw = decodeURIComponent(value);
    const [cipher, nonce] = raw.split(';') as [string, string];
    const flip = (b64: string, i: number) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[i % bytes.length]! ^= 1;
      return bytes.toString('base64');
    };
    const t = nowSeconds();
    return [
      ['no cookie', () => ({})],
      ['empty cookie', () => ({ cookie: `${name}=` })],
      ['garbage', () => ({ cookie: `${name}=hello` })],
      ['random bytes in the right shape', () => ({ cookie: `${name}=${encodeURIComponent(`${Buffer.alloc(64, 7).toString('base64')};${Buffer.alloc(24, 1).toString('base64')}`)}` })],
      ['a flipped bit in the ciphertext', () => ({ cookie: `${cookieName}=${encodeURIComponent(`${flip(cipher, 5)};${nonce}`)}` })],
      ['a flipped bit in the nonce', () => ({ cookie: `${cookieName}=${encodeURIComponent(`${cipher};${flip(nonce, 3)}`)}` })],
      ['a truncated cookie', () => ({ cookie: `${cookieName}=${encodeURIComponent(raw.slice(0, -6))}` })],
      ['the parts swapped', () => ({ cookie: `${cookieName}=${encodeURIComponent(`${nonce};${cipher}`)}` })],
      ['the cookie under the non-__Host- name', () => ({ cookie: `softphone_session=${value}` })],
      ['the identity in plain JSON', () => ({ cookie: `${name}=${encodeURIComponent(JSON.stringify({ u: 'alice', c: t, s: t }))}` })],
      ['idle for longer than the idle limit', () => ({ cookie: forge.cookie({ u: 'alice', c: t - 3600 - SESSION_IDLE_SECONDS, s: t - SESSION_IDLE_SECONDS - 5 }) })],
      ['older than the absolute limit, though active', () => ({ cookie: forge.cookie({ u: 'alice', c: t - SESSION_MAX_SECONDS - 5, s: t - 10 }) })],
      ['a user no longer in SOFTPHONE_USERS', () => ({ cookie: forge.cookie({ u: 'mallory', c: t, s: t }) })],
      ['an identity that is not a string', () => ({ cookie: forge.cookie({ u: ['alice'], c: t, s: t }) })],
      ['times that are not numbers', () => ({ cookie: forge.cookie({ u: 'alice', c: String(t), s: String(t) }) })],
      ['no times at all', () => ({ cookie: forge.cookie({ u: 'alice' }) })],
      ['an inherited property name as identity', () => ({ cookie: forge.cookie({ u: '__proto__', c: t, s: t }) })],
      ["the library's own expiry passed", () => ({ cookie: forge.cookie({ u: 'alice', c: t, s: t, __ts: t - SESSION_MAX_SECONDS - 5 }) })],
    ];
  };

  const payloadFor = (route: RouteEntry) => BODIES[key(route)] ?? (route.method === 'POST' || route.method === 'PUT' ? {} : undefined);

  it('refuses every signed-in route for every kind of missing, forged, tampered or expired session', async () => {
    let tried = 0;
    for (const route of protectedRoutes()) {
      for (const [name, headers] of badSessions()) {
        const res = await app.inject(requestFor(route, { headers: { ...JSON_HEADERS, ...headers() }, payload: payloadFor(route) }));
        expect(res.statusCode, `${key(route)} with ${name}`).toBe(401);
        if (route.method !== 'HEAD') expect(res.json(), `${key(route)} with ${name}`).toEqual({ error: 'You are not signed in.', code: 'signed_out' });
        expect(res.body).not.toMatch(/eyJ/); // no JWT
        tried++;
      }
    }
    console.log(`auth: ${protectedRoutes().length} signed-in routes × ${badSessions().length} bad sessions = ${tried} requests, all 401`);
  });

  it('accepts the real cookie on the same routes (the refusals above are not for another reason)', async () => {
    for (const route of protectedRoutes()) {
      const streaming = STREAMING.includes(key(route));
      const res = await app.inject(requestFor(route, { headers: { ...JSON_HEADERS, cookie: alice }, payload: payloadFor(route), ...(streaming ? { payloadAsStream: true } : {}) }));
      expect(ACCEPTED[key(route)] ?? [200], key(route)).toContain(res.statusCode);
      if (streaming) {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        res.stream().destroy();
      }
    }
  });

  it('rejects any random mutation of a real cookie (fast-check), and never fails with 5xx', async () => {
    const [name, value] = alice.split('=') as [string, string];
    const raw = decodeURIComponent(value);
    const mutations = fc.oneof(
      fc.record({ at: fc.nat(raw.length - 1), ch: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=;'.split('')) }).map(({ at, ch }) => raw.slice(0, at) + ch + raw.slice(at + 1)),
      fc.nat(raw.length - 1).map((n) => raw.slice(0, n)),
      fc.string({ maxLength: 200 }).map((s) => raw + s),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ minLength: 16, maxLength: 200 }).map((b) => `${Buffer.from(b).toString('base64')};${raw.split(';')[1]}`),
    );
    const decodesTo = (cookie: string) => cookie.split(';').slice(0, 2).map((part) => Buffer.from(part.trim(), 'base64').toString('hex')).join(';');
    let runs = 0;
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(mutations, async (mutated) => {
        const res = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `${name}=${encodeURIComponent(mutated)}` } });
        expect(res.statusCode).toBeLessThan(500);
        // Base64 decoding skips characters outside its alphabet, so a few edits decode to the very bytes the
        // server issued; those are the same session, not a forged one. Anything else must be refused.
        if (res.statusCode === 200) expect(decodesTo(mutated)).toBe(decodesTo(raw));
        else expect(res.statusCode).toBe(401);
        if (decodesTo(mutated) !== decodesTo(raw)) changed++;
        runs++;
      }),
      { numRuns: 400 },
    );
    console.log(`auth: ${runs} mutated session cookies (${changed} with different bytes), 0 of those accepted, 0 5xx`);
  });

  it('a cookie made with another SESSION_SECRET is refused', async () => {
    const other = await cookieForge('z'.repeat(48));
    const t = nowSeconds();
    const res = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: other.cookie({ u: 'alice', c: t, s: t }) } });
    expect(res.statusCode).toBe(401);
    await other.close();
  });

  it('webhooks refuse requests without a valid Twilio signature and emit no TwiML', async () => {
    const params = { CallSid: `CA${'1'.repeat(32)}`, From: 'client:alice', To: '+12025550123', DialCallStatus: 'no-answer', CallStatus: 'completed' };
    let tried = 0;
    for (const route of routes.filter((r) => SIGNED_BY_TWILIO.includes(key(r)))) {
      const url = `${ORIGIN}${route.url}`;
      const signatures: [string, string | undefined][] = [
        ['no signature', undefined],
        ['empty signature', ''],
        ['signed with another auth token', sign('d'.repeat(32), url, params)],
        ['signed for another URL', sign(AUTH_TOKEN, `${ORIGIN}/elsewhere`, params)],
        ['signed for other parameters', sign(AUTH_TOKEN, url, { ...params, To: '+12025550124' })],
        ['signed for another host', sign(AUTH_TOKEN, url.replace('phone.example.com', 'evil.example'), params)],
      ];
      for (const [name, signature] of signatures) {
        const res = await app.inject({
          method: 'POST',
          url: route.url,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
          payload: form(params),
        });
        expect(res.statusCode, `${key(route)}: ${name}`).toBe(403);
        expect(res.json().code).toBe('bad_signature');
        expect(res.body).not.toContain('<Response');
        tried++;
      }
    }
    console.log(`auth: ${tried} badly signed webhooks, all 403 without TwiML`);
  });
});

describe('session expiry (cookies issued at other times)', () => {
  const me = (cookie: string) => app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
  const t = nowSeconds();
  // [case, created (s ago), last seen (s ago), accepted]
  const table: [string, number, number, boolean][] = [
    ['just signed in', 0, 0, true],
    ['idle a minute short of the idle limit', SESSION_IDLE_SECONDS - 60, SESSION_IDLE_SECONDS - 60, true],
    ['idle a minute past the idle limit', SESSION_IDLE_SECONDS + 60, SESSION_IDLE_SECONDS + 60, false],
    ['active, a minute short of the absolute limit', SESSION_MAX_SECONDS - 60, 30, true],
    ['active, a minute past the absolute limit', SESSION_MAX_SECONDS + 60, 30, false],
    ['active, a year old', 365 * 86_400, 5, false],
  ];
  it.each(table)('%s', async (_name, createdAgo, seenAgo, accepted) => {
    const res = await me(forge.cookie({ u: 'bob', c: t - createdAgo, s: t - seenAgo }));
    expect(res.statusCode).toBe(accepted ? 200 : 401);
    if (!accepted) {
      // The stale cookie is also cleared in the browser.
      const cleared = res.cookies.find((c) => c.name === sessionCookieName(true));
      expect(cleared?.value).toBe('');
    }
  });

  it('activity slides the idle window: an old-but-valid last-seen time is re-issued as now', async () => {
    const res = await me(forge.cookie({ u: 'bob', c: t - 3600, s: t - 3000 }));
    expect(res.statusCode).toBe(200);
    const renewed = cookieOf(res);
    // The renewed cookie is accepted where the original would be idle: it carries a fresh last-seen time.
    expect((await me(renewed)).statusCode).toBe(200);
    expect(renewed).not.toBe(forge.cookie({ u: 'bob', c: t - 3600, s: t - 3000 }));
  });

  it('the browser is told to forget the cookie after the idle time at most', async () => {
    const res = await signIn(app, 'carol', PASSWORDS.carol!);
    const cookie = res.cookies[0]!;
    expect(cookie.maxAge).toBeLessThanOrEqual(SESSION_IDLE_SECONDS);
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.secure).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
  });
});

describe('sign-out', () => {
  it('clears the cookie in that browser, which is then signed out; another browser stays signed in', async () => {
    const browserA = await signedInCookie(app, 'alice', PASSWORDS.alice!);
    const browserB = await signedInCookie(app, 'alice', PASSWORDS.alice!);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { ...JSON_HEADERS, cookie: browserA } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === sessionCookieName(true))!;
    expect(cleared.value).toBe('');
    expect(cleared.maxAge).toBe(0);
    // The browser applies Set-Cookie: it now sends no session cookie at all.
    const after = await app.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS }, payload: {} });
    expect(after.statusCode).toBe(401);
    const other = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: browserB } });
    expect(other.statusCode).toBe(200);
  });
});

describe('CSRF: state-changing routes refuse cross-site requests', () => {
  const attacks: [string, Record<string, string>, string | undefined, number, string][] = [
    ['a form post (urlencoded)', { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN }, 'username=alice&password=x', 415, 'json_required'],
    ['a multipart form post', { 'content-type': 'multipart/form-data; boundary=b', origin: ORIGIN }, '--b\r\n\r\n--b--', 415, 'json_required'],
    ['text/plain carrying JSON', { 'content-type': 'text/plain', origin: ORIGIN }, '{}', 415, 'json_required'],
    ['JSON from another origin', { ...JSON_HEADERS, origin: 'https://evil.example' }, '{}', 403, 'cross_site'],
    ['JSON from a look-alike origin', { ...JSON_HEADERS, origin: `${ORIGIN}.evil.example` }, '{}', 403, 'cross_site'],
    ['JSON from http:// on the same host', { ...JSON_HEADERS, origin: ORIGIN.replace('https:', 'http:') }, '{}', 403, 'cross_site'],
    ['JSON from a sandboxed frame (Origin: null)', { ...JSON_HEADERS, origin: 'null' }, '{}', 403, 'cross_site'],
    ['Sec-Fetch-Site: cross-site', { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' }, '{}', 403, 'cross_site'],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { ...JSON_HEADERS, 'sec-fetch-site': 'same-site' }, '{}', 403, 'cross_site'],
  ];

  it('refuses each attack on each state-changing route, with no side effect', async () => {
    const targets = routes.filter((r) => STATE_CHANGING.includes(key(r)));
    expect(targets.map(key).sort()).toEqual([...STATE_CHANGING].sort());
    let tried = 0;
    for (const route of targets) {
      for (const [name, headers, payload, status, code] of attacks) {
        // DELETE carries no body; only the origin checks apply to it.
        if (route.method === 'DELETE' && status === 415) continue;
        const res = await app.inject({
          method: route.method as 'POST' | 'DELETE' | 'PUT',
          url: route.url,
          headers: { ...headers, cookie: alice },
          remoteAddress: address(),
          ...(route.method === 'DELETE'
            ? {}
            : { payload: payload !== '{}' ? payload : route.url === '/api/session' ? JSON.stringify({ username: 'alice', password: PASSWORDS.alice }) : JSON.stringify(BODIES[key(route)] ?? {}) }),
        });
        expect(res.statusCode, `${key(route)}: ${name}`).toBe(status);
        expect(res.json().code, `${key(route)}: ${name}`).toBe(code);
        expect(res.headers['set-cookie'], `${key(route)}: ${name} must not set or clear the cookie`).toBeUndefined();
        expect(res.body).not.toMatch(/eyJ/);
        tried++;
      }
    }
    console.log(`csrf: ${tried} cross-site attempts on ${targets.length} state-changing routes, all refused, no cookie set or cleared, no token`);
  });

  it('refuses JSON from any generated foreign origin (fast-check)', async () => {
    const allowed = allowedOrigins(config.publicBaseUrl, false);
    const origins = fc
      .record({
        scheme: fc.constantFrom('http', 'https', 'HTTPS', 'chrome-extension', 'file'),
        host: fc.oneof(fc.domain(), fc.constant('phone.example.com'), fc.domain().map((d) => `phone.example.com.${d}`), fc.domain().map((d) => `${d}.phone.example.com`)),
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      })
      .map(({ scheme, host, port }) => `${scheme}://${host}${port === undefined ? '' : `:${port}`}`)
      .filter((o) => !allowed.includes(o));
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(origins, async (origin) => {
        const res = await app.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS, origin, cookie: alice }, payload: {} });
        expect(res.statusCode).toBe(403);
        runs++;
      }),
      { numRuns: 300 },
    );
    console.log(`csrf: ${runs} generated foreign origins, all 403`);
  });

  it('local mode accepts its loopback names and nothing else', async () => {
    const local = localConfig({ PUBLIC_BASE_URL: 'https://localhost:3601' });
    const { app: localApp } = await appWithRoutes(local);
    const cookie = await (async () => {
      const res = await localApp.inject({ method: 'POST', url: '/api/session', headers: { ...JSON_HEADERS, origin: 'https://localhost:3601' }, payload: { username: 'alice', password: local.demoPassword } });
      expect(res.statusCode).toBe(200);
      return cookieOf(res);
    })();
    const tokenFrom = (origin: string) =>
      localApp.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS, origin, cookie }, payload: {} });
    for (const origin of ['https://localhost:3601', 'https://127.0.0.1:3601', 'https://[::1]:3601']) expect((await tokenFrom(origin)).statusCode, origin).toBe(200);
    for (const origin of ['https://localhost:3602', 'http://localhost:3601', 'https://localhost', 'https://0.0.0.0:3601', 'https://phone.example.com']) {
      expect((await tokenFrom(origin)).statusCode, origin).toBe(403);
    }
    await localApp.close();
  });
});
