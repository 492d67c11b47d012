/**
 * CSRF protection for state-changing API routes without tokens: a cross-site page can neither send
 * `Content-Type: application/json` without a CORS preflight (which this server never approves) nor
 * forge the browser's Origin / Sec-Fetch-Site headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface CsrfVerdict {
  ok: boolean;
  status?: number;
  code?: string;
  error?: string;
}

export interface CsrfRequest {
  method: string;
  contentType: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/** Pure check, so the rules can be tested as a table. */
export function checkCsrf(req: CsrfRequest, allowedOrigins: readonly string[]): CsrfVerdict {
  if (SAFE_METHODS.has(req.method)) return { ok: true };
  if (req.secFetchSite !== undefined && req.secFetchSite !== 'same-origin' && req.secFetchSite !== 'none') {
    return { ok: false, status: 403, code: 'cross_site', error: 'Requests from other sites are not allowed.' };
  }
  if (req.origin !== undefined && !allowedOrigins.includes(req.origin)) {
    return { ok: false, status: 403, code: 'cross_site', error: 'Requests from other sites are not allowed.' };
  }
  if (BODY_METHODS.has(req.method)) {
    const mediaType = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return { ok: false, status: 415, code: 'json_required', error: 'Send the request body as JSON (Content-Type: application/json).' };
    }
  }
  return { ok: true };
}

export function csrfHook(allowedOrigins: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const verdict = checkCsrf(
      {
        method: request.method,
        contentType: header('content-type'),
        origin: header('origin'),
        secFetchSite: header('sec-fetch-site'),
      },
      allowedOrigins,
    );
    if (!verdict.ok) return sendError(reply, verdict.status!, verdict.code!, verdict.error!);
  };
}

/** The origins the web app is served from: the public one, plus loopback aliases in local mode. */
export function allowedOrigins(publicBaseUrl: string, localMode: boolean): string[] {
  const base = new URL(publicBaseUrl);
  const origins = [base.origin];
  if (localMode) {
    const port = base.port === '' ? '' : `:${base.port}`;
    for (const host of ['localhost', '127.0.0.1', '[::1]']) origins.push(`${base.protocol}//${host}${port}`);
  }
  return [...new Set(origins)];
}
