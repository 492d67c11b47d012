import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { emulatorPlugin } from '../plugin';
import { emulatorRequestClient, rewriteTwilioUrl } from '../../local-setup/twilio-client';

const ACCOUNT = 'AC' + '1'.repeat(32);
const AUTH = '2'.repeat(32);
const KEY = { sid: 'SK' + '3'.repeat(32), secret: 'secret' };
const APP = 'AP' + '4'.repeat(32);

let app: FastifyInstance;
let origin: string;

beforeAll(async () => {
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [{ sid: APP, voiceUrl: 'http://127.0.0.1:9/unused' }],
    numbers: [{ phoneNumber: '+12025550100', voiceApplicationSid: APP }],
    publicOrigin: 'http://127.0.0.1',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
});

const client = (user = ACCOUNT, pass = AUTH) => twilio(user, pass, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(origin) });
const until = async (fn: () => Promise<boolean>, ms = 5000) => {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('REST API through the twilio helper library', () => {
  it('rewrites only Twilio hosts', () => {
    expect(rewriteTwilioUrl('https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json', 'https://localhost:3000/'))
      .toBe('https://localhost:3000/2010-04-01/Accounts/AC1/Calls.json');
    expect(rewriteTwilioUrl('https://example.com/x', 'https://localhost:3000')).toBe('https://example.com/x');
  });

  it('creates, fetches, lists and completes a call; the phone hears the TwiML', async () => {
    const c = client();
    const call = await c.calls.create({ to: '+12025550104', from: '+12025550100', twiml: '<Response><Say>Hello phone</Say><Pause length="30"/></Response>' });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.direction).toBe('outbound-api');
    expect(call.accountSid).toBe(ACCOUNT);
    await until(async () => (await c.calls(call.sid).fetch()).status === 'in-progress');
    await until(async () => {
      const phone = await (await fetch(`${origin}/emulator/api/phones/${encodeURIComponent('+12025550104')}`)).json();
      return phone.heard.says.includes('Hello phone');
    });
    const listed = await c.calls.list({ to: '+12025550104', limit: 20 });
    expect(listed.map((x) => x.sid)).toContain(call.sid);
    const done = await c.calls(call.sid).update({ status: 'completed' });
    expect(done.status).toBe('completed');
    expect(done.endTime).toBeInstanceOf(Date);
  });

  it('lists calls by start time across pages, the filters kept on every page (as healing reads the call log)', async () => {
    const c = client();
    const before = new Date(Date.now() - 1000);
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await c.calls.create({ to: '+12025550103', from: '+12025550100', twiml: '<Response><Hangup/></Response>' }));
    }
    const all = await c.calls.list({ startTimeAfter: before, pageSize: 2 });
    for (const call of made) expect(all.map((x) => x.sid)).toContain(call.sid);
    expect(all.every((x) => x.startTime !== null && x.startTime.getTime() >= Math.floor(before.getTime() / 1000) * 1000)).toBe(true);
    const none = await c.calls.list({ startTimeAfter: new Date(Date.now() + 3600_000), pageSize: 2 });
    expect(none).toEqual([]);
    const page = await c.calls.page({ startTimeAfter: before, pageSize: 2 });
    expect(page.nextPageUrl).toContain('StartTime%3E=');
    await expect(c.calls.list({ startTime: 'yesterday' as unknown as Date })).rejects.toMatchObject({ status: 400 });
  });

  it('a call whose Url answers <Say>: the phone hears the text, Japanese included', async () => {
    const c = client();
    const text = '予約は明日の午後三時です';
    const call = await c.calls.create({ to: '+12025550101', from: '+12025550100', url: `${origin}/emulator/twiml/say?text=${encodeURIComponent(text)}` });
    await until(async () => {
      const phone = await (await fetch(`${origin}/emulator/api/phones/${encodeURIComponent('+12025550101')}`)).json();
      return phone.heard.says.includes(text);
    });
    await c.calls(call.sid).update({ status: 'completed' });
  });

  it('accepts an API key and secret', async () => {
    const calls = await client(KEY.sid, KEY.secret).calls.list({ limit: 1 });
    expect(Array.isArray(calls)).toBe(true);
  });

  it('answers bad credentials and unknown resources with Twilio errors', async () => {
    await expect(client(ACCOUNT, 'wrong').calls.list({ limit: 1 })).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(client().calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client().calls.create({ to: '+12025550101', from: '+12025550100' })).rejects.toMatchObject({ status: 400, code: 21205 });
    const raw = await fetch(`${origin}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    expect(await raw.json()).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  });

  it('sends messages to simulated phones and lists them', async () => {
    const c = client();
    const msg = await c.messages.create({ to: '+12025550102', from: '+12025550100', body: 'Your code is 1234' });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    await until(async () => (await c.messages(msg.sid).fetch()).status === 'delivered');
    const phone = await (await fetch(`${origin}/emulator/api/phones/${encodeURIComponent('+12025550102')}`)).json();
    expect(phone.messages.map((m: { body: string }) => m.body)).toContain('Your code is 1234');
    expect((await c.messages.list({ limit: 5 })).map((m) => m.sid)).toContain(msg.sid);
    await expect(c.messages.create({ to: '+12025550102', from: '+19995550000', body: 'x' })).rejects.toMatchObject({ code: 21606 });
  });
});
