/**
 * The security headers are computed once from helmet at start-up; this checks they are exactly what
 * helmet sets on a real response with the same options, and that every kind of answer carries them.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { PERMISSIONS_POLICY, contentSecurityPolicy, securityHeaders } from '../plugins/security-headers';
import { localConfig, twilioConfig } from '../../test-support/server-fixtures';
import { JSON_HEADERS, appWithRoutes } from '../../test-support/app-requests';

function helmetOnARealResponse(config: AppConfig): Record<string, string> {
  const https = new URL(config.publicBaseUrl).protocol === 'https:';
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    strictTransportSecurity: https && config.mode === 'twilio' ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
  })(res.req, res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
}

describe('security headers', () => {
  it.each([['twilio'], ['local']] as const)('%s mode: the same headers helmet sets per request', async (mode) => {
    const config = mode === 'twilio' ? await twilioConfig() : localConfig();
    expect(securityHeaders(config)).toEqual({ ...helmetOnARealResponse(config), 'permissions-policy': PERMISSIONS_POLICY });
    expect(Object.keys(securityHeaders(config)).length).toBeGreaterThan(10);
  });

  it.each([['twilio'], ['local']] as const)('%s mode: the service worker and the manifest may come from this origin, nothing else may run as a worker', async (mode) => {
    const csp = contentSecurityPolicy(mode === 'twilio' ? await twilioConfig() : localConfig());
    expect(csp['worker-src']).toEqual(["'self'"]);
    expect(csp['manifest-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
    expect(Object.values(csp).flat()).not.toContain("'unsafe-eval'");
  });

  it('every kind of answer carries them: page, JSON, 401, 404, 403 webhook, 400', async () => {
    const config = await twilioConfig();
    const { app } = await appWithRoutes(config);
    const expected = securityHeaders(config);
    const answers = [
      await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } }),
      await app.inject({ method: 'GET', url: '/api/config' }),
      await app.inject({ method: 'GET', url: '/api/session' }),
      await app.inject({ method: 'GET', url: '/no/such/file.js' }),
      await app.inject({ method: 'POST', url: '/handle_calls', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'To=1' }),
      await app.inject({ method: 'POST', url: '/api/session', headers: JSON_HEADERS, payload: '{' }),
    ];
    for (const res of answers) {
      for (const [name, value] of Object.entries(expected)) expect(res.headers[name], `${res.statusCode} ${name}`).toBe(value);
    }
    await app.close();
  });
});
