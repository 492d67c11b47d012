/**
 * Generated messaging and click-to-call webhooks. Signed SMS webhooks with hostile bodies, media and
 * numbers never get a 5xx, store the body as sent (minus NUL, which PostgreSQL text cannot hold) and answer
 * an empty <Response/>; unsigned ones get 403 and store nothing. The click-to-call TwiML never dials
 * outside the allow-list, whatever its signed query says, and never puts request text into markup.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDestination } from '../voice/destination';
import { ACCOUNT_SID, AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import { signedInCookie, testApp } from '../../test-support/app-requests';
import type { AppConfig } from '../config';

const RUNS = 300;
let app: FastifyInstance;
let config: AppConfig;
let alice: string;

beforeAll(async () => {
  config = await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' });
  ({ app } = await testApp(config, { webRoot: '/nonexistent' }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
});
afterAll(() => app.close());

const hostile = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', ']]><Dial/>', '&lt;b&gt;', '\u0000\u0001', '\ud800',
  '\u202eevil', 'javascript:alert(1)', '{{constructor.constructor("alert(1)")()}}', '日本語のテキスト 🙂', 'Привет', '',
);
const text = fc.oneof(fc.string({ maxLength: 200 }), hostile, fc.array(hostile, { maxLength: 4 }).map((a) => a.join(' ')));
const sid = fc.stringMatching(/^[0-9a-f]{32}$/).map((h) => `SM${h}`);
const from = fc.oneof(
  fc.stringMatching(/^[0-9]{7}$/).map((d) => `+1202${d}`),
  fc.constantFrom('', 'client:alice', '+', '+1', '12025550123', '+1202555012345678901', 'anonymous'),
  hostile,
);
const media = fc.array(fc.oneof(fc.constantFrom('https://api.twilio.com/x/Media/ME1', 'http://evil.example/a.png', 'javascript:alert(1)', 'file:///etc/passwd'), text), { maxLength: 3 });

function post(url: string, params: Record<string, string>, signed = true) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signed ? { 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, Object.fromEntries(new URLSearchParams(form(params)))) } : {}) },
    payload: form(params),
  });
}

async function storedBodies(): Promise<string[]> {
  const list = (await app.inject({ method: 'GET', url: '/api/conversations', headers: { cookie: alice } })).json() as { items: { id: string }[] };
  const bodies: string[] = [];
  for (const c of list.items) {
    const page = (await app.inject({ method: 'GET', url: `/api/conversations/${c.id}/messages?limit=100`, headers: { cookie: alice } })).json() as { items: { body: string }[] };
    bodies.push(...page.items.map((m) => m.body));
  }
  return bodies;
}

describe('fuzzing /handle_sms', () => {
  it(`${RUNS} generated messages: signed ones never 5xx and keep the body; unsigned ones are refused and stored nowhere`, { timeout: 120_000 }, async () => {
    const unsignedMarks: string[] = [];
    await fc.assert(
      fc.asyncProperty(sid, from, text, media, fc.boolean(), async (messageSid, sender, body, urls, signed) => {
        const params: Record<string, string> = { MessageSid: messageSid, AccountSid: ACCOUNT_SID, From: sender, To: TEAM_NUMBER, Body: body, NumMedia: String(urls.length) };
        urls.forEach((u, i) => (params[`MediaUrl${i}`] = u));
        if (!signed) params.Body = `unsigned ${messageSid}`;
        const res = await post('/handle_sms', params, signed);
        expect(res.statusCode).toBeLessThan(500);
        if (!signed) {
          expect(res.statusCode).toBe(403);
          unsignedMarks.push(params.Body!);
        } else if (res.statusCode === 200) {
          expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
        } else {
          expect(res.statusCode).toBe(400);
        }
      }),
      { numRuns: RUNS },
    );
    const bodies = await storedBodies();
    for (const mark of unsignedMarks) expect(bodies).not.toContain(mark);
  });

  it('a signed hostile body is stored as it was sent', async () => {
    const body = '<script>alert(1)</script> <img src=x onerror=alert(1)> 日本語 🙂';
    expect((await post('/handle_sms', { MessageSid: `SM${'f'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: '+12025550123', To: TEAM_NUMBER, Body: body, NumMedia: '0' })).statusCode).toBe(200);
    expect(await storedBodies()).toContain(body);
  });

  it('status callbacks with generated fields never 5xx', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(sid, fc.oneof(fc.constantFrom('queued', 'sent', 'delivered', 'failed', 'undelivered', 'received', 'receiving', ''), text), fc.oneof(fc.constantFrom('30003', '0', '-1', '99999999999'), text), async (s, status, code) => {
        const res = await post('/handle_sms/status', { MessageSid: s, MessageStatus: status, ErrorCode: code, AccountSid: ACCOUNT_SID });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing the click-to-call TwiML', () => {
  it(`${RUNS} signed key presses: a <Dial> only to an allowed number, and no request text as markup`, { timeout: 120_000 }, async () => {
    const policy = { defaultCountry: config.defaultCountry, allowedCountries: config.dialAllowedCountries };
    const to = fc.oneof(fc.stringMatching(/^[0-9]{7}$/).map((d) => `+1202${d}`), fc.constantFrom('+19005550123', '+442071838750', '+33612345678', '911', 'client:bob'), hostile, fc.string({ maxLength: 30 }));
    await fc.assert(
      fc.asyncProperty(to, fc.oneof(fc.constantFrom('1', '2', '', '11', '*'), hostile), fc.oneof(fc.constantFrom('alice', 'bob'), hostile), async (dest, digits, user) => {
        const url = `/handle_calls/click-to-call/connect?${new URLSearchParams({ user, to: dest, via: '+12025550177' }).toString()}`;
        const res = await post(url, { CallSid: `CA${'1'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: TEAM_NUMBER, To: '+12025550177', Digits: digits });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode !== 200) return;
        const dialed = /<Number[^>]*>([^<]*)<\/Number>/.exec(res.body)?.[1];
        if (dialed !== undefined) {
          expect(digits).toBe('1');
          const check = checkDestination(dialed, policy);
          expect(check.ok && check.e164 === dialed).toBe(true);
        }
        expect(res.body).not.toMatch(/<script|<img|<svg|<Dial\/>/);
      }),
      { numRuns: RUNS },
    );
  });
});
