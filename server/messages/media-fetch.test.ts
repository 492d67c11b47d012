/**
 * twilioMessageMedia against a local HTTPS stand-in: the key goes only to the media URL, Twilio's redirect
 * to its storage is followed once without it, nothing over an MMS's size is read to the end, and 404s and
 * other answers are told apart.
 */
import { createServer } from 'node:https';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLocalTls } from '../../local-setup/setup';
import { MAX_PICTURE_BYTES, twilioMessageMedia } from './media';

let ORIGIN = '';
const ACCOUNT = { accountSid: `AC${'a'.repeat(32)}`, apiKeySid: `SK${'b'.repeat(32)}`, apiKeySecret: 'secret' };
const GIF = Buffer.from('GIF89a-bytes');
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let media: ReturnType<typeof twilioMessageMedia>;

beforeAll(async () => {
  const tls = await generateLocalTls();
  server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const route = (req.url ?? '').split('/').at(-1);
    if (route === 'redirect') res.writeHead(307, { location: '/storage/gif?sig=1' }).end();
    else if (req.url === '/storage/gif?sig=1') res.writeHead(200, { 'content-type': 'image/gif' }).end(GIF);
    else if (route === 'plain-http') res.writeHead(302, { location: `${ORIGIN.replace('https:', 'http:')}/storage/gif` }).end();
    else if (route === 'declared-huge') res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(MAX_PICTURE_BYTES + 1) }).end();
    else if (route === 'streamed-huge') {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end();
    } else if (route === 'missing') res.writeHead(404).end();
    else res.writeHead(500).end();
  });
  // A port the system picks: nothing else can be on it.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ORIGIN = `https://localhost:${(server.address() as AddressInfo).port}`;
  media = twilioMessageMedia({ account: ACCOUNT, origin: ORIGIN, ca: tls.cert });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('twilioMessageMedia', () => {
  it('asks with the API key, then follows the redirect to storage without it', async () => {
    seen.length = 0;
    const result = await media.fetch(`${ORIGIN}/media/redirect`);
    expect(result).toEqual({ kind: 'media', body: GIF, contentType: 'image/gif' });
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT.apiKeySid}:${ACCOUNT.apiKeySecret}`).toString('base64')}`);
    expect(seen[1]!.url).toBe('/storage/gif?sig=1');
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it('refuses a redirect that leaves https', async () => {
    expect((await media.fetch(`${ORIGIN}/media/plain-http`)).kind).toBe('failed');
  });

  it('stops at the size of an MMS, declared or streamed', async () => {
    expect(await media.fetch(`${ORIGIN}/media/declared-huge`)).toEqual({ kind: 'too-large' });
    expect(await media.fetch(`${ORIGIN}/media/streamed-huge`)).toEqual({ kind: 'too-large' });
  });

  it('tells media gone from Twilio (404) from a failure', async () => {
    expect(await media.fetch(`${ORIGIN}/media/missing`)).toEqual({ kind: 'gone' });
    expect(await media.fetch(`${ORIGIN}/media/broken`)).toEqual({ kind: 'failed', reason: 'Twilio answered 500' });
  });
});
