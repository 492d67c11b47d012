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

export interface ConnectionOverrides {
  /** The URL without its fragment: the part that is requested and signed. */
  url: string;
  /** Connect (`ct`) and read (`rt`) timeouts: no progress for this long fails the request. */
  idleTimeoutMs?: number;
  /** Total timeout (`tt`) for the whole request. */
  totalTimeoutMs?: number;
}

/**
 * Twilio's webhook connection overrides: a URL fragment such as `#ct=1000&rt=3000&tt=5000`
 * (milliseconds) shortens the timeouts for that one URL. Unknown keys (`rc`, `rp`, `e`) are ignored;
 * values outside 1..the default are ignored too, as Twilio only lets a URL shorten its timeouts.
 */
export function connectionOverrides(url: string, defaultTimeoutMs: number): ConnectionOverrides {
  const hash = url.indexOf('#');
  if (hash === -1) return { url };
  const base = url.slice(0, hash);
  const fragment = new URLSearchParams(url.slice(hash + 1));
  const ms = (key: string): number | undefined => {
    const raw = fragment.get(key);
    if (raw === null || !/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= 1 && n <= defaultTimeoutMs ? n : undefined;
  };
  const idle = [ms('ct'), ms('rt')].filter((n): n is number => n !== undefined);
  const total = ms('tt');
  return {
    url: base,
    ...(idle.length > 0 ? { idleTimeoutMs: Math.min(...idle) } : {}),
    ...(total !== undefined ? { totalTimeoutMs: total } : {}),
  };
}

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

export function requestWebhook(original: WebhookRequest, config: WebhookConfig): Promise<WebhookResult> {
  const started = Date.now();
  const overrides = connectionOverrides(original.url, config.timeoutMs);
  const req = { ...original, url: overrides.url };
  const idleTimeoutMs = overrides.idleTimeoutMs ?? config.timeoutMs;
  const totalTimeoutMs = Math.min(overrides.totalTimeoutMs ?? config.timeoutMs, config.timeoutMs);
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
      clearTimeout(totalTimer);
      if (!settled) { settled = true; resolve(r); }
    };
    const timedOut = (ms: number): void => {
      request.destroy();
      done({ ok: false, code: 11205, message: `HTTP connection failure: ${req.url} timed out after ${ms} ms`, ms: Date.now() - started, url: req.url });
    };
    const totalTimer = setTimeout(() => timedOut(totalTimeoutMs), totalTimeoutMs);
    const request = lib.request(target, {
      method: req.method,
      headers,
      timeout: idleTimeoutMs,
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
    request.on('timeout', () => timedOut(idleTimeoutMs));
    request.on('error', (e) => done({ ok: false, code: 11205, message: `HTTP connection failure: ${e.message}`, ms: Date.now() - started, url: req.url }));
    if (parts.body !== null) request.write(parts.body);
    request.end();
  });
}

/** The application's webhooks as this account calls them: relative URLs resolve against `base` or the public origin. */
export interface WebhookClient {
  resolveUrl(url: string, base?: string): string;
  request(req: WebhookRequest): Promise<WebhookResult>;
}

export function webhookClient(options: { authToken: string; publicOrigin: string; ca?: string; timeoutSeconds?: number }): WebhookClient {
  const config: WebhookConfig = {
    authToken: options.authToken,
    ...(options.ca ? { ca: options.ca } : {}),
    timeoutMs: (options.timeoutSeconds ?? 15) * 1000,
  };
  return {
    resolveUrl: (url, base) => new URL(url, base ?? options.publicOrigin).toString(),
    request: (req) => requestWebhook(req, config),
  };
}
