// The Say TwiML of `npm run call` (pure) and its signed route (inject).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAY_MAX_CHARS } from '../../contracts/api/rest-calls';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import { testApp } from '../../test-support/app-requests';
import { NOTHING_TO_SAY, renderSay, sayText, sayUrl } from './say';

describe('sayText', () => {
  it.each([
    ['plain text', 'Hello there', 'Hello there'],
    ['whitespace collapsed', '  two\n\nlines\t here ', 'two lines here'],
    ['control characters and NUL', 'a\u0000b\u0007c', 'a b c'],
    ['nothing', undefined, ''],
    ['Japanese kept', 'こんにちは、サポートです', 'こんにちは、サポートです'],
    ['cut at the limit', 'x'.repeat(SAY_MAX_CHARS + 50), 'x'.repeat(SAY_MAX_CHARS)],
  ])('%s', (_name, raw, expected) => {
    expect(sayText(raw)).toBe(expected);
  });
});

describe('renderSay', () => {
  it('says the text once and hangs up, with markup escaped', () => {
    expect(renderSay('Fish & <chips>')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Fish &amp; &lt;chips&gt;</Say><Hangup/></Response>');
  });
  it('says that there is no message when the URL carries none', () => {
    expect(renderSay('  ')).toContain(`<Say>${NOTHING_TO_SAY}</Say>`);
  });
});

describe('POST /handle_calls/say', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp(await twilioConfig()));
  });
  afterAll(() => app.close());

  const call = { CallSid: `CA${'2'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: TEAM_NUMBER, To: '+14155550123', Direction: 'outbound-api' };
  const post = (url: string, signature?: string) =>
    app.inject({
      method: 'POST',
      url: url.slice(PUBLIC_BASE_URL.length),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
      payload: form(call),
    });

  it('answers the signed URL with the text in TwiML', async () => {
    const url = sayUrl(PUBLIC_BASE_URL, 'Your order #42 is ready & waiting');
    const res = await post(url, sign(AUTH_TOKEN, url, call));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Say>Your order #42 is ready &amp; waiting</Say><Hangup/>');
  });

  it.each([
    ['no signature', (url: string) => [url, undefined] as const],
    ['a signature for other text', (url: string) => [sayUrl(PUBLIC_BASE_URL, 'Send me your password'), sign(AUTH_TOKEN, url, call)] as const],
    ['a wrong token', (url: string) => [url, sign('0'.repeat(32), url, call)] as const],
  ])('refuses %s with 403 and no TwiML', async (_name, make) => {
    const [url, signature] = make(sayUrl(PUBLIC_BASE_URL, 'Hello'));
    const res = await post(url, signature);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('<Response');
  });
});
