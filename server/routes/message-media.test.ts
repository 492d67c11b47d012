/**
 * GET /api/messages/:id/media/:n through inject(): signed-in only, 404 for what is not there, a stored URL
 * that is not this account's Twilio media is never fetched (SSRF), pictures keep their type and anything
 * else is an attachment, and the message records list media without URLs.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageMedia, PictureResult } from '../messages/media';
import { signedInCookie, testApp } from '../../test-support/app-requests';
import { ACCOUNT_SID, AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';

const ORIGIN = 'https://api.twilio.com';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const mediaUrl = (me: string) => `${ORIGIN}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM${'1'.repeat(32)}/Media/ME${me.repeat(32)}`;

let app: FastifyInstance;
let alice: string;
const fetched: string[] = [];
/** What the fake Twilio answers for each media URL. */
const answers = new Map<string, PictureResult>();
const pictures: MessageMedia = {
  origin: ORIGIN,
  accountSid: ACCOUNT_SID,
  async fetch(url) {
    fetched.push(url);
    return answers.get(url) ?? { kind: 'gone' };
  },
};

beforeAll(async () => {
  ({ app } = await testApp(await twilioConfig(), { webRoot: '/nonexistent', pictures }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
});
afterAll(() => app.close());

/** A signed inbound text with these media; the id of the stored message. */
async function receive(n: number, media: { url: string; type: string }[]): Promise<{ id: string; media: unknown; body: string }> {
  const sid = `SM${n.toString(16).padStart(32, '0')}`;
  const params: Record<string, string> = { MessageSid: sid, AccountSid: ACCOUNT_SID, From: '+14155550123', To: TEAM_NUMBER, Body: '', NumMedia: String(media.length) };
  media.forEach((m, i) => Object.assign(params, { [`MediaUrl${i}`]: m.url, [`MediaContentType${i}`]: m.type }));
  const res = await app.inject({
    method: 'POST', url: '/handle_sms', payload: form(params),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_sms`, params) },
  });
  expect(res.statusCode).toBe(200);
  const [conversation] = (await app.inject({ method: 'GET', url: '/api/conversations', headers: { cookie: alice } })).json().items;
  const messages = (await app.inject({ method: 'GET', url: `/api/conversations/${conversation.id}/messages`, headers: { cookie: alice } })).json().items;
  return messages[0];
}
const getMedia = (id: string, n: number | string, cookie = alice) => app.inject({ method: 'GET', url: `/api/messages/${id}/media/${n}`, headers: { cookie } });

describe('GET /api/messages/:id/media/:n', () => {
  it('lists media as index and type only, and serves a picture with its type, privately and unsniffed', async () => {
    answers.set(mediaUrl('a'), { kind: 'media', body: PNG, contentType: 'image/png' });
    const message = await receive(1, [{ url: mediaUrl('a'), type: 'image/png' }]);
    expect(message.media).toEqual([{ index: 0, contentType: 'image/png' }]);
    expect(JSON.stringify(message)).not.toContain('twilio.com');
    const res = await getMedia(message.id, 0);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.equals(PNG)).toBe(true);
    expect(res.headers['cache-control']).toBe('private, max-age=3600');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(fetched).toEqual([mediaUrl('a')]);
  });

  it('refuses a request that is not signed in, and fetches nothing', async () => {
    fetched.length = 0;
    const res = await app.inject({ method: 'GET', url: '/api/messages/1/media/0' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('signed_out');
    expect(fetched).toEqual([]);
  });

  it('answers 404 for an unknown message or index, and 400 for a malformed one', async () => {
    expect((await getMedia('999999', 0)).statusCode).toBe(404);
    const message = await receive(2, [{ url: mediaUrl('b'), type: 'image/jpeg' }]);
    expect((await getMedia(message.id, 1)).json().code).toBe('not_found');
    expect((await getMedia(message.id, 10)).statusCode).toBe(400);
    expect((await getMedia('abc', 0)).statusCode).toBe(400);
    // Gone from Twilio: not found either.
    expect((await getMedia(message.id, 0)).statusCode).toBe(404);
  });

  it('never fetches a stored URL that is not this account’s media on Twilio', async () => {
    const elsewhere = [
      `https://evil.example/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM${'1'.repeat(32)}/Media/ME${'c'.repeat(32)}`,
      'https://169.254.169.254/latest/meta-data/iam',
      mediaUrl('d').replace(ACCOUNT_SID, `AC${'f'.repeat(32)}`),
    ];
    const message = await receive(3, elsewhere.map((url) => ({ url, type: 'image/png' })));
    fetched.length = 0;
    for (let n = 0; n < elsewhere.length; n++) {
      const res = await getMedia(message.id, n);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('refused');
    }
    expect(fetched).toEqual([]);
  });

  it('serves anything but a JPEG, PNG, GIF or WebP as an attachment, whatever type was announced', async () => {
    answers.set(mediaUrl('e'), { kind: 'media', body: Buffer.from('<svg onload="alert(1)"/>'), contentType: 'image/svg+xml' });
    answers.set(mediaUrl('7'), { kind: 'media', body: Buffer.from('<script>alert(1)</script>'), contentType: 'text/html' });
    const message = await receive(4, [{ url: mediaUrl('e'), type: 'image/svg+xml' }, { url: mediaUrl('7'), type: 'image/png' }]);
    for (const n of [0, 1]) {
      const res = await getMedia(message.id, n);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="attachment-\d+-\d"$/);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('answers 413 for media larger than an MMS and 502 when Twilio fails', async () => {
    answers.set(mediaUrl('8'), { kind: 'too-large' });
    answers.set(mediaUrl('9'), { kind: 'failed', reason: 'Twilio answered 500' });
    const message = await receive(5, [{ url: mediaUrl('8'), type: 'image/png' }, { url: mediaUrl('9'), type: 'image/png' }]);
    expect((await getMedia(message.id, 0)).statusCode).toBe(413);
    const failed = await getMedia(message.id, 1);
    expect(failed.statusCode).toBe(502);
    expect(failed.json().code).toBe('media_unavailable');
  });
});
