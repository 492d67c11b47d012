/**
 * The HTTP servers the load bench measures, each built the way it is deployed:
 * - softphone: buildApp with its real plugins (helmet, sessions, CSRF, rate limits, signature checks) and
 *   info-level logging, in twilio mode with test credentials; limits raised so the load is not refused;
 * - express-quickstart: Twilio's Voice JavaScript SDK quickstart server (Express, static files, body
 *   parsers, `AccessToken` on GET /token, `VoiceResponse` on POST /voice);
 * - fastify-ceiling: a bare Fastify route answering constant JSON, the most any Fastify route can do here.
 * Each describes the requests to send, so the bench and the load test drive them the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { buildApp } from '../server/app';
import { standaloneStore } from '../test-support/database';
import type { LogLevel } from '../server/config';
import { JSON_HEADERS, signedInCookie, webRoot } from '../test-support/app-requests';
import {
  ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, TWIML_APP_SID,
  form, sign, twilioConfig,
} from '../test-support/server-fixtures';

export type TargetName = 'softphone' | 'express-quickstart' | 'fastify-ceiling';
export const TARGETS: readonly TargetName[] = ['softphone', 'express-quickstart', 'fastify-ceiling'];

/** One request autocannon repeats. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RunningTarget {
  port: number;
  /** What to send for each measured route this target has. */
  routes: Partial<Record<RouteName, RequestSpec>>;
  close(): Promise<void>;
}

export type RouteName = 'token' | 'webhook' | 'constant';

export interface TargetOptions {
  /** Log level of the softphone server; default "info", as deployed. */
  logLevel?: LogLevel;
  /** Where log lines go; default: this process's stdout. */
  logStream?: NodeJS.WritableStream;
}

/** A voice webhook as Twilio sends it for a browser calling a phone number (the usual parameter set). */
export function outgoingCallParams(): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    ApplicationSid: TWIML_APP_SID,
    CallSid: `CA${'0123456789abcdef'.repeat(2)}`,
    CallStatus: 'ringing',
    Called: '',
    Caller: 'client:alice',
    Direction: 'inbound',
    From: 'client:alice',
    To: '+12025550123',
  };
}

const LOOPBACK = '127.0.0.1';

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: LOOPBACK });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function softphone(options: TargetOptions): Promise<RunningTarget> {
  const config = await twilioConfig();
  const unlimited = { max: 1_000_000_000, timeWindow: 60_000 };
  // A real store as in production: the webhook's history write happens beside its answer.
  const store = await standaloneStore(config);
  const app = buildApp(config, {
    store,
    webRoot: webRoot(),
    logger: { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) },
    limits: { token: unlimited, signInPerAddress: unlimited },
  });
  await app.ready();
  const cookie = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  const params = outgoingCallParams();
  const port = await listen(app);
  return {
    port,
    routes: {
      token: { method: 'POST', path: '/api/token', headers: { ...JSON_HEADERS, cookie }, body: '{}' },
      webhook: {
        method: 'POST',
        path: '/handle_calls',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_calls`, params),
        },
        body: form(params),
      },
    },
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** The quickstart's handler.js, router.js and index.js, in one function. */
async function expressQuickstart(): Promise<RunningTarget> {
  const { AccessToken } = twilio.jwt;
  const { VoiceResponse } = twilio.twiml;
  const callerId = TEAM_NUMBER;
  let identity = '';
  const nameGenerator = () => `user${Math.floor(Math.random() * 1e6)}`;
  const tokenGenerator = () => {
    identity = nameGenerator();
    const accessToken = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, { identity });
    accessToken.addGrant(
      new AccessToken.VoiceGrant({ outgoingApplicationSid: TWIML_APP_SID, incomingAllow: true, outgoingApplicationParams: { isOutgoing: true } }),
    );
    return { identity, token: accessToken.toJwt() };
  };
  const isAValidPhoneNumber = (n: string) => /^[\d+\-() ]+$/.test(n);
  const voiceResponse = (body: Record<string, string>) => {
    const to = body.To;
    const response = new VoiceResponse();
    if (to === callerId) {
      response.dial().client(identity);
    } else if (to) {
      const dial = response.dial({ callerId });
      if (isAValidPhoneNumber(to)) dial.number({}, to);
      else dial.client({}, to);
    } else {
      response.say('Thanks for calling!');
    }
    return response.toString();
  };

  const publicDir = mkdtempSync(join(tmpdir(), 'softphone-bench-quickstart-'));
  writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>Quickstart</title>');
  const app = express();
  app.use(express.static(publicDir));
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.get('/token', (_req, res) => {
    res.send(tokenGenerator());
  });
  app.post('/voice', (req, res) => {
    res.set('Content-Type', 'text/xml');
    res.send(voiceResponse(req.body as Record<string, string>));
  });

  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(0, LOOPBACK, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    routes: {
      token: { method: 'GET', path: '/token', headers: {} },
      webhook: {
        method: 'POST',
        path: '/voice',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(outgoingCallParams()),
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function fastifyCeiling(): Promise<RunningTarget> {
  const app = fastify();
  const body = { ok: true, service: 'softphone' };
  app.get('/constant', async () => body);
  const port = await listen(app as unknown as FastifyInstance);
  return { port, routes: { constant: { method: 'GET', path: '/constant', headers: {} } }, close: () => app.close() };
}

export function startTarget(name: TargetName, options: TargetOptions = {}): Promise<RunningTarget> {
  switch (name) {
    case 'softphone':
      return softphone(options);
    case 'express-quickstart':
      return expressQuickstart();
    case 'fastify-ceiling':
      return fastifyCeiling();
  }
}
