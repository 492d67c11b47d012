/**
 * Requests to an app built in the test process (buildApp + inject): a built web root to serve, sign-in from
 * fresh client addresses, session cookies as a browser sends them back (or forged with the server's key),
 * and the list of routes the app registered.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import secureSession from '@fastify/secure-session';
import fastify from 'fastify';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp } from '../server/app';
import type { BuildOptions } from '../server/app';
import type { AppConfig } from '../server/config';
import { sessionCookieName, sessionKey } from '../server/plugins/session';
import { testStore } from './database';
import { PUBLIC_BASE_URL, twilioConfig } from './server-fixtures';

export const ORIGIN = PUBLIC_BASE_URL;
/** What the web app sends with every state-changing request. */
export const JSON_HEADERS = { 'content-type': 'application/json', origin: ORIGIN, 'sec-fetch-site': 'same-origin' } as const;

/** A web build in miniature: the page, one hashed asset with its Brotli copy, the icon, the service worker and the manifest. */
export function webRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Softphone</title><script type="module" src="/assets/app-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync('console.log(1)'));
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Softphone","start_url":"/"}');
  return dir;
}

export interface RouteEntry {
  method: string;
  url: string;
}

/**
 * buildApp with a store of its own on a fresh test database (unless one is given), closed with the app.
 * Tests that are not about the history still get a real one: the status callbacks write to it.
 */
export async function testApp(config: AppConfig, opts: Partial<BuildOptions> = {}): Promise<{ app: FastifyInstance }> {
  const store = opts.store ?? (await testStore(config));
  const app = buildApp(config, { webRoot: webRoot(), ...opts, store });
  if (!opts.store) app.addHook('onClose', () => store.close());
  // Wrapped: a Fastify instance is thenable, and an async function returning it would wait for it to be ready.
  return { app };
}

/** testApp on the fixtures' Twilio-mode config, ready for inject(): what a test file of the API shares. */
export async function readyTwilioApp(opts: Partial<BuildOptions> = {}): Promise<{ app: FastifyInstance; config: AppConfig }> {
  const config = await twilioConfig();
  const { app } = await testApp(config, opts);
  await app.ready();
  return { app, config };
}

/** testApp, plus the list of every route it registered (collected as Fastify registers them). */
export async function appWithRoutes(config: AppConfig, opts: Partial<BuildOptions> = {}): Promise<{ app: FastifyInstance; routes: RouteEntry[] }> {
  const { app } = await testApp(config, opts);
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.ready();
  return { app, routes };
}

/** A fresh documentation address (RFC 5737) per call, so per-address limits do not couple tests. */
let next = 0;
export function address(): string {
  next++;
  return `203.0.${Math.floor(next / 250) % 250}.${(next % 250) + 1}`;
}

/** POST /api/session as the web app sends it, from a fresh address unless one is given. */
export function signIn(app: FastifyInstance, username: unknown, password: unknown, remoteAddress = address()) {
  return app.inject({ method: 'POST', url: '/api/session', headers: JSON_HEADERS, remoteAddress, payload: { username, password } });
}

/** The session cookie as the browser sends it back: `name=value` from the first Set-Cookie. */
export function cookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  if (first === undefined) throw new Error(`no Set-Cookie in a ${res.statusCode} response`);
  return String(first).split(';')[0]!;
}

export async function signedInCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await signIn(app, username, password);
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  return cookieOf(res);
}

/**
 * Makes session cookies with any content, encrypted with the key a server derives from `secret`, so tests
 * can present cookies the server itself would have issued at another time (or never would have issued).
 */
export async function cookieForge(secret: string, secure = true) {
  const forge = fastify();
  await forge.register(secureSession, { key: sessionKey(secret), cookieName: sessionCookieName(secure), cookie: { path: '/' } });
  await forge.ready();
  const name = sessionCookieName(secure);
  return {
    /** `data` is the session content; `__ts` (the library's own last-write time, epoch seconds) defaults to now. */
    cookie(data: Record<string, unknown>): string {
      const value = forge.encodeSecureSession(forge.createSecureSession({ ...data }));
      return `${name}=${encodeURIComponent(value)}`;
    },
    close: () => forge.close(),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A request with a method and URL filled in for a route pattern (`:id`, `:file` and `*` get harmless values). */
export function requestFor(route: RouteEntry, extra: Omit<InjectOptions, 'method' | 'url'> = {}): InjectOptions {
  const url = route.url.replace(/:id\b/g, '1').replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');
  return { method: route.method as InjectOptions['method'], url, ...extra };
}
