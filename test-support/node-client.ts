/**
 * Talking to a running server from Node-side tests and benches (no browser): JSON requests over HTTPS that
 * trust the local self-signed certificate, sign-in with the session cookie kept, the emulator's control API,
 * Twilio-signed webhooks, and free ports to listen on.
 */
import https from 'node:https';
import net from 'node:net';
import type { PhoneView } from '../contracts/emulator/phones';
import { sign } from './server-fixtures';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });

export function request<T = unknown>(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<JsonResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if ((res.headers['content-type'] ?? '').includes('json') && text !== '') body = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, body: body as T, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A signed-in browser, as far as the JSON API is concerned. */
export async function signIn(origin: string, username: string, password: string): Promise<{ cookie: string; json: <T>(method: string, path: string, body?: unknown) => Promise<JsonResponse<T>> }> {
  const headers = { 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin' };
  const res = await request(`${origin}/api/session`, { method: 'POST', headers, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = [res.headers['set-cookie']].flat()[0]!;
  const cookie = setCookie.split(';')[0]!;
  return {
    cookie,
    json: <T>(method: string, path: string, body?: unknown) =>
      request<T>(`${origin}${path}`, { method, headers: { ...headers, cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

/** The emulator's control API (JSON; /emulator/api on its origin). */
export async function emulator<T = unknown>(origin: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await request<T>(`${origin}/emulator/api${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const phoneView = (origin: string, number: string) => emulator<PhoneView & { call: unknown }>(origin, 'GET', `/phones/${encodeURIComponent(number)}`);

/** The phone calls `to`; resolves with the CallSid. */
export async function phoneCalls(origin: string, from: string, to: string): Promise<string> {
  return (await emulator<{ callSid: string }>(origin, 'POST', `/phones/${encodeURIComponent(from)}/call`, { to })).callSid;
}

/** POSTs a form to `origin + path`, signed as Twilio signs for `publicBase + path`. */
export function postSigned(origin: string, publicBase: string, authToken: string, path: string, params: Record<string, string>): Promise<JsonResponse> {
  return request(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(authToken, `${publicBase}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
}

/** A port nothing listens on right now (the kernel's pick), for a server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
