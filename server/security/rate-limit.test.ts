/**
 * Guessing passwords is slowed per client address and per user name (also by many addresses at
 * once, in parallel), and tokens cannot be minted in bulk.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { RATE_LIMITS, clientNetwork } from '../rate-limits';
import { PASSWORDS, twilioConfig } from '../../test-support/server-fixtures';
import { JSON_HEADERS, address, appWithRoutes, signIn, signedInCookie } from '../../test-support/app-requests';

let config: AppConfig;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  config = await twilioConfig();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
/** A fresh server per test: the limits' counters live in the process. */
async function fresh(): Promise<FastifyInstance> {
  const { app } = await appWithRoutes(config);
  apps.push(app);
  return app;
}

const count = (codes: number[]) => codes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::'],
    ['2001:DB8:1:2::1', '2001:db8:1:2::'],
    ['2001:db8:1:3::1', '2001:db8:1:3::'],
  ])('%s counts as %s', (ip, network) => {
    expect(clientNetwork({ ip })).toBe(network);
  });
});

describe('brute-force sign-in', () => {
  it('one address: after the per-address allowance every attempt is refused before any password check', async () => {
    const app = await fresh();
    const from = '198.51.100.10';
    const codes: number[] = [];
    for (let i = 0; i < 100; i++) codes.push((await signIn(app, `guess${i % 7}`, `password-${i}`, from)).statusCode);
    const { max } = RATE_LIMITS.signInPerAddress;
    expect(codes.slice(0, max).every((c) => c === 401)).toBe(true);
    expect(codes.slice(max).every((c) => c === 429)).toBe(true);
    const blocked = await signIn(app, 'alice', PASSWORDS.alice!, from);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await signIn(app, 'alice', PASSWORDS.alice!, '198.51.100.11')).statusCode).toBe(200);
    console.log(`rate limit: 100 sign-ins from one address → ${max} checked, ${100 - max} refused (${JSON.stringify(count(codes))}); at most ${max} guesses per address per ${RATE_LIMITS.signInPerAddress.timeWindow / 1000} s`);
  });

  it('SIGN_IN_RATE_LIMIT sets the per-address allowance (an office behind one NAT address needs more)', async () => {
    const { app } = await appWithRoutes(await twilioConfig({ SIGN_IN_RATE_LIMIT: '3' }));
    apps.push(app);
    const from = '198.51.100.20';
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await signIn(app, 'alice', PASSWORDS.alice!, from)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
  });

  it('IPv6: one network (/64) is one address, however many interface ids it uses; IPv4-mapped is IPv4', async () => {
    const app = await fresh();
    const { max } = RATE_LIMITS.signInPerAddress;
    const codes: number[] = [];
    for (let i = 0; i < max + 10; i++) codes.push((await signIn(app, `guess${i}`, 'x', `2001:db8:1:2:${(i + 1).toString(16)}::${i + 7}`)).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(max);
    expect((await signIn(app, 'alice', PASSWORDS.alice!, '2001:db8:1:2:ffff::1')).statusCode).toBe(429);
    expect((await signIn(app, 'alice', PASSWORDS.alice!, '2001:db8:1:3::1')).statusCode).toBe(200);
    for (let i = 0; i < max; i++) await signIn(app, `guess${i}`, 'x', '198.51.100.40');
    expect((await signIn(app, 'alice', PASSWORDS.alice!, '::ffff:198.51.100.40')).statusCode).toBe(429);
    console.log(`rate limit: ${max + 10} guesses from ${max + 10} addresses of one IPv6 /64 → ${max} checked`);
  });

  it('X-Forwarded-For does not buy new addresses when no proxy is trusted', async () => {
    const app = await fresh();
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { ...JSON_HEADERS, 'x-forwarded-for': `192.0.2.${i + 1}`, 'x-real-ip': `192.0.2.${i + 1}` },
        remoteAddress: '198.51.100.20',
        payload: { username: 'bob', password: `wrong-${i}` },
      });
      codes.push(res.statusCode);
    }
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(RATE_LIMITS.signInPerAddress.max);
    expect(codes.at(-1)).toBe(429);
  });

  it('many addresses, one user, one at a time: the user name is locked after the failure allowance, other users are not', async () => {
    const app = await fresh();
    const { max } = RATE_LIMITS.signInFailuresPerUser;
    const codes: number[] = [];
    for (let i = 0; i < 60; i++) codes.push((await signIn(app, i % 2 ? 'Bob' : ' bob ', `wrong-${i}`, address())).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(max);
    // Even the right password waits now: a guesser cannot tell a hit from a miss.
    expect((await signIn(app, 'bob', PASSWORDS.bob!, address())).statusCode).toBe(429);
    expect((await signIn(app, 'alice', PASSWORDS.alice!, address())).statusCode).toBe(200);
    console.log(`rate limit: 60 guesses on one user from 60 addresses → ${max} checked; at most ${max} per user per ${RATE_LIMITS.signInFailuresPerUser.timeWindow / 60_000} min (${Math.round((max * 86_400_000) / RATE_LIMITS.signInFailuresPerUser.timeWindow)} a day)`);
  });

  it('many addresses, one user, all at once: parallel guesses do not slip past the per-user allowance', async () => {
    const app = await fresh();
    const { max } = RATE_LIMITS.signInFailuresPerUser;
    const attempts = 60;
    const codes = (await Promise.all(Array.from({ length: attempts }, (_, i) => signIn(app, 'carol', `wrong-${i}`, address())))).map((r) => r.statusCode);
    const checked = codes.filter((c) => c === 401).length;
    expect(checked, JSON.stringify(count(codes))).toBeLessThanOrEqual(max);
    expect(codes.filter((c) => c === 429)).toHaveLength(attempts - checked);
    expect((await signIn(app, 'carol', PASSWORDS.carol!, address())).statusCode).toBe(429);
    console.log(`rate limit: ${attempts} parallel guesses on one user from ${attempts} addresses → ${checked} checked, ${attempts - checked} refused`);
  });

  it('a right password right away is never blocked by other users’ failures', async () => {
    const app = await fresh();
    await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(app, 'bob', `wrong-${i}`, address())));
    expect((await signIn(app, 'alice', PASSWORDS.alice!, address())).statusCode).toBe(200);
  });
});

describe('bulk token requests', () => {
  it('a signed-in user gets the token allowance, then 429 with Retry-After; other users are unaffected', async () => {
    const app = await fresh();
    const alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
    const bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
    const { max } = RATE_LIMITS.token;
    const attempts = max * 3;
    const responses = await Promise.all(
      Array.from({ length: attempts }, () => app.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS, cookie: alice }, payload: {} })),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(max);
    expect(codes.filter((c) => c === 429)).toHaveLength(attempts - max);
    const refused = responses.find((r) => r.statusCode === 429)!;
    expect(refused.json().code).toBe('rate_limited');
    expect(refused.body).not.toMatch(/eyJ/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await app.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS, cookie: bob }, payload: {} });
    expect(other.statusCode).toBe(200);
    console.log(`rate limit: ${attempts} parallel token requests by one user → ${max} tokens, ${attempts - max} refused; at most ${max} per ${RATE_LIMITS.token.timeWindow / 1000} s per user`);
  });

  it('signing in again (a new cookie) does not reset the token allowance', async () => {
    const app = await fresh();
    const { max } = RATE_LIMITS.token;
    const codes: number[] = [];
    for (let i = 0; i < max + 10; i++) {
      const cookie = await signedInCookie(app, 'carol', PASSWORDS.carol!);
      codes.push((await app.inject({ method: 'POST', url: '/api/token', headers: { ...JSON_HEADERS, cookie }, payload: {} })).statusCode);
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(max);
  });

  it('signed-out token requests are limited per address too (and never get a token)', async () => {
    const app = await fresh();
    const codes: number[] = [];
    for (let i = 0; i < RATE_LIMITS.token.max + 5; i++) {
      codes.push((await app.inject({ method: 'POST', url: '/api/token', headers: JSON_HEADERS, remoteAddress: '198.51.100.30', payload: {} })).statusCode);
    }
    expect(codes.slice(0, RATE_LIMITS.token.max).every((c) => c === 401)).toBe(true);
    expect(codes.slice(RATE_LIMITS.token.max).every((c) => c === 429)).toBe(true);
  });
});
