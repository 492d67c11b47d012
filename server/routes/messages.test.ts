/**
 * The messaging routes through inject(): /handle_sms stores a signed message once and answers an empty
 * <Response/> (403 and nothing stored when unsigned); /handle_sms/status folds delivery states; sending
 * from the app is for signed-in users, to allowed numbers only, with Twilio's refusals in words; the
 * conversations and their messages as each user sees them, and reads.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { fakeSender } from '../../test-support/fake-sender';
import type { FakeSender } from '../../test-support/fake-sender';
import { ACCOUNT_SID, AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';

let app: FastifyInstance;
let sender: FakeSender;
let alice: string;
let bob: string;
const PEER = '+14155550123';
const sid = (n: number) => `SM${n.toString(16).padStart(32, 'a')}`;

beforeAll(async () => {
  sender = fakeSender();
  ({ app } = await testApp(await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' }), { webRoot: '/nonexistent', sender, limits: { messages: { max: 20, timeWindow: 60_000 } } }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
});
afterAll(() => app.close());

function webhook(url: string, params: Record<string, string>, signature = sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, params)) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: form(params) });
}

const inbound = (n: number, body: string, from = PEER) => ({
  MessageSid: sid(n), SmsSid: sid(n), AccountSid: ACCOUNT_SID, From: from, To: TEAM_NUMBER, Body: body, NumMedia: '0', ApiVersion: '2010-04-01',
});
const send = (cookie: string, payload: unknown) => app.inject({ method: 'POST', url: '/api/messages', headers: { ...JSON_HEADERS, cookie }, payload: payload as object });
const get = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
const conversations = async (cookie: string) => (await get(cookie, '/api/conversations')).json().items as { id: string; peer: string; unread: number; optedOut: boolean; lastMessage: string }[];

describe('/handle_sms', () => {
  it('refuses an unsigned or wrongly signed message with 403, and stores nothing', async () => {
    expect((await webhook('/handle_sms', inbound(1, 'forged'), '')).statusCode).toBe(403);
    const wrong = await webhook('/handle_sms', inbound(1, 'forged'), sign('d'.repeat(32), `${PUBLIC_BASE_URL}/handle_sms`, inbound(1, 'forged')));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain('<Response');
    expect(await conversations(alice)).toEqual([]);
  });

  it('stores a signed message once and answers an empty <Response/>', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await webhook('/handle_sms', inbound(1, 'Is the shop open today? 🙂'));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    }
    const [conversation] = await conversations(alice);
    expect(conversation).toMatchObject({ peer: PEER, unread: 1, lastMessage: 'Is the shop open today? 🙂' });
    const messages = (await get(alice, `/api/conversations/${conversation!.id}/messages`)).json().items;
    expect(messages).toHaveLength(1);
    expect((await get(bob, '/api/unseen')).json()).toMatchObject({ messages: 1 });
  });

  it('refuses a message without a MessageSid or a sender number with 400', async () => {
    const { MessageSid: _gone, ...noSid } = inbound(2, 'x');
    expect((await webhook('/handle_sms', noSid)).statusCode).toBe(400);
    expect((await webhook('/handle_sms', { ...inbound(2, 'x'), From: 'not a number' })).statusCode).toBe(400);
  });
});

describe('POST /api/messages', () => {
  it('sends from the team number with a status callback, and records who sent it', async () => {
    const res = await send(alice, { to: '(415) 555-0123', body: 'Yes, until six.' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'queued', message: { direction: 'outbound', peer: PEER, sentBy: 'alice', body: 'Yes, until six.' } });
    expect(sender.sent.at(-1)).toEqual({ to: PEER, body: 'Yes, until six.', statusCallback: expect.stringMatching(/\/handle_sms\/status\?ref=[0-9a-f-]{36}$/) });
    const [conversation] = await conversations(alice);
    expect(conversation).toMatchObject({ unread: 0, lastMessage: 'Yes, until six.' });
    expect((await conversations(bob))[0]?.unread).toBe(1);
  });

  it.each([
    ['a country not allowed', { to: '+33142685300', body: 'hi' }, 400, 'not_allowed', /country/],
    ['a premium-rate number', { to: '+19005550123', body: 'hi' }, 400, 'not_allowed', /premium/],
    ['no valid number', { to: '12', body: 'hi' }, 400, 'bad_request', /not a valid phone number/],
    ['an empty body', { to: PEER, body: '' }, 400, 'bad_request', /body/],
    ['a blank body', { to: PEER, body: '   ' }, 400, 'bad_request', /empty/],
    ['1601 characters', { to: PEER, body: 'x'.repeat(1601) }, 400, 'bad_request', /1600/],
    ['no body', { to: PEER }, 400, 'bad_request', /body/],
  ])('refuses %s with %d %s', async (_name, payload, status, code, message) => {
    const before = sender.sent.length;
    const res = await send(alice, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, error: expect.stringMatching(message) });
    expect(sender.sent.length).toBe(before);
  });

  it('needs a session', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/messages', headers: JSON_HEADERS, payload: { to: PEER, body: 'x' } })).statusCode).toBe(401);
  });

  it('puts Twilio’s refusals in words; 21610 marks the conversation opted out', async () => {
    sender.refuse.set('+14155550177', 30034);
    const unregistered = await send(alice, { to: '+14155550177', body: 'hello' });
    expect(unregistered.statusCode).toBe(502);
    expect(unregistered.json().error).toMatch(/not registered for US A2P 10DLC.*30034/);

    sender.refuse.set('+14155550178', 21610);
    const stopped = await send(alice, { to: '+14155550178', body: 'hello' });
    expect(stopped.statusCode).toBe(409);
    expect(stopped.json()).toMatchObject({ code: 'opted_out', error: expect.stringMatching(/replied STOP/) });
    expect((await conversations(alice)).find((c) => c.peer === '+14155550178')?.optedOut).toBe(true);
  });

  it('refuses to text a number that replied STOP until it texts START', async () => {
    await webhook('/handle_sms', inbound(10, 'STOP', '+14155550179'));
    const refused = await send(alice, { to: '+14155550179', body: 'one more thing' });
    expect(refused.statusCode).toBe(409);
    await webhook('/handle_sms', inbound(11, 'START', '+14155550179'));
    expect((await send(alice, { to: '+14155550179', body: 'welcome back' })).statusCode).toBe(201);
  });

  it('limits how many texts one user sends in a minute', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) codes.push((await send(bob, { to: '+14155550180', body: `n${i}` })).statusCode);
    expect(codes).toContain(429);
    expect(codes.filter((c) => c === 201).length).toBeLessThanOrEqual(20);
  });
});

describe('/handle_sms/status', () => {
  it('folds delivery callbacks in any order; a repeat changes nothing; unsigned ones are refused', async () => {
    const res = await send(alice, { to: PEER, body: 'See you at three' });
    const { message } = res.json();
    const messageSid = `SM${sender.sent.length.toString(16).padStart(32, '0')}`;
    const cb = (status: string, extra: Record<string, string> = {}) => webhook('/handle_sms/status', { MessageSid: messageSid, MessageStatus: status, AccountSid: ACCOUNT_SID, ...extra });
    expect((await webhook('/handle_sms/status', { MessageSid: messageSid, MessageStatus: 'delivered' }, 'bad')).statusCode).toBe(403);
    expect((await cb('undelivered', { ErrorCode: '30003' })).statusCode).toBe(204);
    expect((await cb('sent')).statusCode).toBe(204);
    expect((await cb('undelivered', { ErrorCode: '30003' })).statusCode).toBe(204);
    expect((await cb('read')).statusCode).toBe(400);
    const page = (await get(alice, `/api/conversations/${message.conversationId}/messages?limit=1`)).json();
    expect(page.items[0]).toMatchObject({ id: message.id, status: 'undelivered', errorCode: 30003 });
  });
});

describe('conversations', () => {
  it('marks one read for one user, and answers 404 for one that does not exist', async () => {
    const [first] = await conversations(bob);
    const read = await app.inject({ method: 'POST', url: `/api/conversations/${first!.id}/read`, headers: { ...JSON_HEADERS, cookie: bob } });
    expect(read.statusCode).toBe(200);
    expect((await conversations(bob)).find((c) => c.id === first!.id)?.unread).toBe(0);
    expect((await app.inject({ method: 'POST', url: '/api/conversations/999999/read', headers: { ...JSON_HEADERS, cookie: bob } })).statusCode).toBe(404);
    expect((await get(bob, '/api/conversations/999999/messages')).statusCode).toBe(404);
    expect((await get(bob, '/api/conversations/abc/messages')).statusCode).toBe(400);
  });
});

describe('fuzzing /handle_sms', () => {
  it('signed junk never gets a 5xx; unsigned junk is refused and never stored', async () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('<script>alert(1)</script>', '\u0000', '', '+14155550123'));
    const params = fc.record(
      {
        MessageSid: fc.oneof(fc.stringMatching(/^SM[0-9a-f]{32}$/), text),
        From: fc.oneof(fc.constantFrom(PEER, '+442071838750'), text),
        To: fc.oneof(fc.constant(TEAM_NUMBER), text),
        Body: text,
        NumMedia: fc.oneof(fc.constantFrom('0', '1', '11', '-1'), text),
        MediaUrl0: fc.oneof(fc.constant('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'), text),
        MediaContentType0: text,
      },
      { requiredKeys: [] },
    );
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, signed) => {
        const values = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const res = await webhook('/handle_sms', values, signed ? undefined : 'unsigned');
        expect(res.statusCode).toBeLessThan(500);
        if (!signed) expect(res.statusCode).toBe(403);
        if (res.statusCode === 200) stored++;
      }),
      { numRuns: 300 },
    );
    expect(stored).toBeGreaterThan(0);
    const peers = (await conversations(alice)).map((c) => c.peer);
    expect(peers.every((peer) => /^\+[1-9]\d{6,14}$/.test(peer))).toBe(true);
  });
});
