/**
 * GETs a URL the application gave the emulator (a <Play> file, a picture to send), following
 * redirects. Plain node:http(s), so that local mode's private CA can be trusted.
 */
import http from 'node:http';
import https from 'node:https';

const MAX_REDIRECTS = 5;

export interface FetchOptions {
  ca?: string;
  timeoutMs?: number;
  maxBytes: number;
}

export interface Fetched {
  body: Buffer;
  contentType: string;
}

/** An answer other than 200, with its status (0 when the server never answered). */
export class FetchError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export function fetchUrl(url: string, opts: FetchOptions): Promise<Fetched> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new FetchError(`${url} is not a URL`, 0));
  }
  return fetchFrom(parsed, opts, 0);
}

function fetchFrom(url: URL, opts: FetchOptions, redirects: number): Promise<Fetched> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new FetchError(`${url.href}: only http and https URLs are supported`, 0));
  }
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { ca: opts.ca, timeout: opts.timeoutMs ?? 15000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        resolve(fetchFrom(new URL(res.headers.location, url), opts, redirects + 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new FetchError(`${url.href}: the server answered HTTP ${status}`, status));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          req.destroy(new FetchError(`${url.href}: larger than ${opts.maxBytes} bytes`, status));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new FetchError(`${url.href}: no answer in time`, 0)));
    req.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`${url.href}: ${err.message}`, 0)));
  });
}
