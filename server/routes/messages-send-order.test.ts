/**
 * The order of a send, with faults injected into the store: the text is stored before Twilio is asked,
 * so a write that fails after Twilio took it loses nothing (the signed status callback carries our
 * reference and links the SID); a callback that overtakes the send's own answer is folded in; a refused
 * text leaves nothing behind.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { testStore } from '../../test-support/database';
import { fakeSender } from '../../test-support/fake-sender';
import type { FakeSender } from '../../test-support/fake-sender';
import { AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import type { Store } from '../store/store';

let app: FastifyInstance;
let store: Store;
let sender: FakeSender;
let alice: string;
let bob: string;
const PEER = '+14155550123';
/** Runs inside the next send, before Twilio's answer reaches the route. */
let duringSend: ((sid: string, statusCallback: string) => Promise<void>) | undefined;

beforeAll(async () => {
  const config = await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' });
  store = await testStore(config);
  const fake = fakeSender();
  sender = {
    ...fake,
    async send(request) {
      const result = await fake.send(request);
      const hook = duringSend;
      duringSend = undefined;
      if (hook) await hook(result.sid, request.statusCallback);
      return result;
    },
  };
  ({ app } = await testApp(config, { webRoot: '/nonexistent', store, sender, limits: { messages: { max: 50, timeWindow: 60_000 } } }));
  app.addHook('onClose', () => store.close());
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
});
afterAll(() => app.close());

function statusCallback(url: string, sid: string, status: string) {
  const params = { MessageSid: sid, MessageStatus: status, From: TEAM_NUMBER, To: PEER };
  const path = url.slice(PUBLIC_BASE_URL.length);
  return app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, url, params) }, payload: form(params) });
}
const send = (body: string) => app.inject({ method: 'POST', url: '/api/messages', headers: { ...JSON_HEADERS, cookie: alice }, payload: { to: PEER, body } });
async function thread() {
  const list = (await app.inject({ method: 'GET', url: '/api/conversations', headers: { cookie: bob } })).json().items as { id: string; peer: string }[];
  const conversation = list.find((c) => c.peer === PEER);
  if (!conversation) return [];
  return (await app.inject({ method: 'GET', url: `/api/conversations/${conversation.id}/messages`, headers: { cookie: bob } })).json().items as { body: string; status: string; sentBy: string }[];
}

describe('sending a text, in order', () => {
  it('a refused text leaves no message and no conversation behind', async () => {
    sender.refuse.set(PEER, 21614);
    const res = await send('To a landline');
    sender.refuse.delete(PEER);
    expect(res.statusCode).toBe(502);
    expect(await thread()).toEqual([]);
  });

  it('a text whose SID could not be written is linked by its signed status callback, once', async () => {
    const accepted = store.messages.accepted.bind(store.messages);
    store.messages.accepted = () => Promise.reject(new Error('connection terminated'));
    let res;
    try {
      res = await send('Stored before it was sent');
    } finally {
      store.messages.accepted = accepted;
    }
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'queued' });
    expect(res.json().message).toBeUndefined();
    const { statusCallback: url } = sender.sent.at(-1)!;
    const sid = `SM${sender.sent.length.toString(16).padStart(32, '0')}`;
    for (let i = 0; i < 2; i++) expect((await statusCallback(url, sid, 'delivered')).statusCode).toBe(204);
    const stored = (await thread()).filter((m) => m.body === 'Stored before it was sent');
    expect(stored).toEqual([expect.objectContaining({ status: 'delivered', sentBy: 'alice' })]);
  });

  it('a callback that overtakes the send’s own answer is folded in, and the answer does not repeat the text', async () => {
    duringSend = async (sid, url) => {
      expect((await statusCallback(url, sid, 'sent')).statusCode).toBe(204);
    };
    const res = await send('Overtaken');
    expect(res.statusCode).toBe(201);
    expect(res.json().message).toMatchObject({ body: 'Overtaken', status: 'sent', sentBy: 'alice' });
    expect((await thread()).filter((m) => m.body === 'Overtaken')).toHaveLength(1);
  });

  it('a callback whose reference was signed for another URL is refused', async () => {
    const url = `${PUBLIC_BASE_URL}/handle_sms/status?ref=00000000-0000-0000-0000-000000000000`;
    const params = { MessageSid: `SM${'f'.repeat(32)}`, MessageStatus: 'sent' };
    const forged = await app.inject({
      method: 'POST', url: url.slice(PUBLIC_BASE_URL.length), payload: form(params),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_sms/status`, params) },
    });
    expect(forged.statusCode).toBe(403);
  });
});
