/**
 * Security headers for everything this origin serves (the app, the API and, in local mode, the emulator
 * console). The CSP allows exactly what the web app and the Voice SDK load:
 * - local mode: everything from this origin, including the signaling socket wss://<host>/signal and the
 *   ringtones under /sounds;
 * - twilio mode additionally the SDK's signaling edges (wss://voice-js.<edge>.twilio.com), its insights
 *   uploads (https://eventgw[.<region>].twilio.com) and its default ringtones (https://sdk.twilio.com, fetched
 *   by XHR and played as media). CSP host wildcards match any depth of subdomain, so *.twilio.com covers
 *   every edge and region without listing them.
 */
import helmet from '@fastify/helmet';
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
  } else {
    connect.push('wss://*.twilio.com', 'https://*.twilio.com');
    media.push('https://sdk.twilio.com');
  }
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'media-src': media,
    'connect-src': connect,
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (base.protocol === 'https:') directives['upgrade-insecure-requests'] = [];
  return directives;
}

export async function registerSecurityHeaders(app: FastifyInstance, config: AppConfig): Promise<void> {
  const https = new URL(config.publicBaseUrl).protocol === 'https:';
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // HSTS on localhost would follow the developer to every other local server; only for real deployments.
    strictTransportSecurity: https && config.mode === 'twilio' ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('permissions-policy', 'microphone=(self), camera=(), geolocation=(), payment=()');
  });
}
