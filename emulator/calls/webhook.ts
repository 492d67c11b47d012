/**
 * Requests to the application, signed as Twilio signs them (X-Twilio-Signature over the URL and,
 * for POST, the sorted form parameters). Local mode serves HTTPS with a self-signed certificate,
 * so the request trusts the CA the host passes in.
 */
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';

export type Method = 'GET' | 'POST';

export interface WebhookRequest {
  url: string;
  method: Method;
  params: Record<string, string>;
}

export interface WebhookConfig {
  authToken: string;
  ca?: string;
  timeoutMs: number;
}

export type WebhookResult =
  | { ok: true; status: number; body: string; contentType: string; ms: number; url: string }
  | { ok: false; code: number; message: string; status?: number; body?: string; ms: number; url: string };

const MAX_BODY = 256 * 1024;

export function signedRequestParts(req: WebhookRequest, authToken: string): { url: string; body: string | null; signature: string } {
  if (req.method === 'GET') {
    const u = new URL(req.url);
    for (const [k, v] of Object.entries(req.params)) u.searchParams.append(k, v);
    const url = u.toString();
    return { url, body: null, signature: twilio.getExpectedTwilioSignature(authToken, url, {}) };
  }
  const body = new URLSearchParams(req.params).toString();
  return { url: req.url, body, signature: twilio.getExpectedTwilioSignature(authToken, req.url, req.params) };
}

export function requestWebhook(req: WebhookRequest, config: WebhookConfig): Promise<WebhookResult> {
  const started = Date.now();
  let parts: ReturnType<typeof signedRequestParts>;
  try {
    parts = signedRequestParts(req, config.authToken);
  } catch (e) {
    return Promise.resolve({ ok: false, code: 11100, message: `Invalid URL ${req.url}: ${(e as Error).message}`, ms: 0, url: req.url });
  }
  const target = new URL(parts.url);
  const lib = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    'X-Twilio-Signature': parts.signature,
    'User-Agent': 'TwilioProxy/1.1',
    Accept: '*/*',
    'Cache-Control': 'max-age=259200',
  };
  if (parts.body !== null) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    headers['Content-Length'] = String(Buffer.byteLength(parts.body));
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: WebhookResult): void => {
      if (!settled) { settled = true; resolve(r); }
    };
    const request = lib.request(target, {
      method: req.method,
      headers,
      timeout: config.timeoutMs,
      ...(target.protocol === 'https:' && config.ca ? { ca: config.ca } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        const ms = Date.now() - started;
        if (status < 200 || status >= 300) {
          done({ ok: false, code: 11200, message: `HTTP retrieval failure: ${req.method} ${req.url} returned ${status}`, status, body, ms, url: req.url });
        } else {
          done({ ok: true, status, body, contentType: String(res.headers['content-type'] ?? ''), ms, url: req.url });
        }
      });
      res.on('error', (e) => done({ ok: false, code: 11200, message: `HTTP retrieval failure: ${e.message}`, ms: Date.now() - started, url: req.url }));
    });
    request.on('timeout', () => {
      request.destroy();
      done({ ok: false, code: 11205, message: `HTTP connection failure: ${req.url} timed out after ${config.timeoutMs} ms`, ms: Date.now() - started, url: req.url });
    });
    request.on('error', (e) => done({ ok: false, code: 11205, message: `HTTP connection failure: ${e.message}`, ms: Date.now() - started, url: req.url }));
    if (parts.body !== null) request.write(parts.body);
    request.end();
  });
}
