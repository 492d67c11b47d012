/**
 * Security headers for everything this origin serves (the app, the API and, in local mode, the emulator
 * console). The CSP allows exactly what the web app and the Voice SDK load:
 * - local mode: everything from this origin, including the signaling socket wss://<host>/signal and the
 *   ringtones under /sounds;
 * - twilio mode additionally the SDK's signaling edges (wss://voice-js.<edge>.twilio.com), its insights
 *   uploads (https://eventgw[.<region>].twilio.com) and its default ringtones (https://sdk.twilio.com, fetched
 *   by XHR and played as media). CSP host wildcards match any depth of subdomain, so *.twilio.com covers
 *   every edge and region without listing them; with the test-only TWILIO_TEST_ENDPOINT (a loopback
 *   origin) also the stand-in's signaling socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config';

export function contentSecurityPolicy(config: AppConfig): Record<string, string[]> {
  const base = new URL(config.publicBaseUrl);
  const connect = ["'self'"];
  const media = ["'self'", 'blob:', 'data:'];
  if (config.mode === 'local') {
    // 'self' already covers wss:// to this origin; the explicit entry keeps the Device's chunderw host
    // working when the page is opened under another loopback name.
    connect.push(`wss://${base.host}`);
    // A stand-in running on its own (EMULATOR_ORIGIN) serves the signaling socket from its origin.
    if (config.emulatorOrigin !== undefined) connect.push(`wss://${new URL(config.emulatorOrigin).host}`);
  } else {
    connect.push('wss://*.twilio.com', 'https://*.twilio.com');
    media.push('https://sdk.twilio.com');
    // Tests only (TWILIO_TEST_ENDPOINT, loopback): the stand-in serves the signaling socket instead.
    if (config.twilioTestEndpoint !== undefined) connect.push(`wss://${new URL(config.twilioTestEndpoint).host}`);
  }
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'media-src': media,
    'connect-src': connect,
    // The service worker (/sw.js) and the web app manifest: from this origin only.
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (base.protocol === 'https:') directives['upgrade-insecure-requests'] = [];
  return directives;
}

export const PERMISSIONS_POLICY = 'microphone=(self), hid=(self), camera=(), geolocation=(), payment=()';

/**
 * The headers helmet sets with our options, computed once. @fastify/helmet rebuilds the helmet middleware
 * (parsing every CSP directive again) on each request, which cost more than a whole voice webhook's own
 * work; every header here is constant, so one pass at start-up gives the same result.
 */
export function securityHeaders(config: AppConfig): Record<string, string> {
  const https = new URL(config.publicBaseUrl).protocol === 'https:';
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // HSTS on localhost would follow the developer to every other local server; only for real deployments.
    strictTransportSecurity: https && config.mode === 'twilio' ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  middleware({} as IncomingMessage, collector as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  headers['permissions-policy'] = PERMISSIONS_POLICY;
  return headers;
}

export async function registerSecurityHeaders(app: FastifyInstance, config: AppConfig): Promise<void> {
  const headers = securityHeaders(config);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
