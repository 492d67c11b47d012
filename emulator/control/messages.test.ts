/** The control API's messaging routes against their contracts (contracts/emulator/messages and phones). */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRoutes } from '../../contracts/emulator/messages';
import { PhoneRoutes } from '../../contracts/emulator/phones';
import { StateRoutes } from '../../contracts/emulator/state';
import { pngPicture } from '../messages/pictures';
import { emulatorPlugin } from '../plugin';

const TEAM = '+12025550100';
const MANUAL = '+12025550102';
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: 'AC' + '1'.repeat(32), authToken: '2'.repeat(32), apiKeys: [] },
    applications: [],
    numbers: [{ phoneNumber: TEAM }],
    messaging: { delaysMs: { sending: 1, sent: 1, delivered: 1 } },
    publicOrigin: 'http://127.0.0.1',
  });
});
afterAll(async () => {
  await app.close();
});

const phonePath = (n: string) => `/emulator/api/phones/${encodeURIComponent(n)}`;
async function request(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await app.inject({ method, url: url.startsWith('/emulator') ? url : `/emulator/api${url}`, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').startsWith('application/json') ? JSON.parse(res.body) : res.rawPayload, type: res.headers['content-type'] };
}
function expectContract(schema: TSchema, body: unknown): void {
  expect([...Value.Errors(schema, body)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

describe('messaging on the control API', () => {
  it('a phone sends a picture; the message, its detail and its bytes', async () => {
    const sent = await request('POST', `${phonePath(MANUAL)}/sms`, { to: TEAM, body: 'pic', picture: 'png' });
    expect(sent.status).toBe(201);
    expectContract(PhoneRoutes.sms.response[201], sent.body);
    expect(sent.body).toMatchObject({ numMedia: 1, error: `${TEAM} has no SMS URL configured` });

    const list = await request('GET', '/messages');
    expectContract(MessageRoutes.list.response[200], list.body);
    const detail = await request('GET', `/messages/${sent.body.messageSid}`);
    expectContract(MessageRoutes.get.response[200], detail.body);
    expect(detail.body).toMatchObject({ direction: 'inbound', status: 'received', encoding: 'GSM-7', numSegments: 1, callbacks: [] });
    const media = await request('GET', detail.body.media[0].url);
    expect(media.type).toBe('image/png');
    expect(Buffer.from(media.body).equals(pngPicture(MANUAL))).toBe(true);

    const phone = await request('GET', phonePath(MANUAL));
    expectContract(PhoneRoutes.get.response[200], phone.body);
    expect(phone.body.messages.at(-1)).toMatchObject({ direction: 'sent', status: 'received', media: [{ contentType: 'image/png' }] });
    expectContract(StateRoutes.state.response[200], (await request('GET', '/state')).body);
  });

  it('adds a phone with a delivery and changes it', async () => {
    const added = await request('POST', '/phones', { number: '+12025550181', sms: { delivery: 'unreachable' } });
    expectContract(PhoneRoutes.add.response[201], added.body);
    expect(added.body).toMatchObject({ sms: { delivery: 'unreachable' }, optedOutOf: [] });
    const changed = await request('POST', `${phonePath('+12025550181')}/sms-delivery`, { delivery: 'unconfirmed' });
    expectContract(PhoneRoutes.smsDelivery.response[200], changed.body);
    expect(changed.body.sms).toEqual({ delivery: 'unconfirmed' });
    const unknown = await request('POST', `${phonePath('+12025550182')}/sms-delivery`, { delivery: 'landline' });
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['no body and no picture', { to: TEAM, body: '' }, 400, 'to and body are required'],
    ['an unknown picture', { to: TEAM, body: 'x', picture: 'gif' }, 400, 'picture must be png or jpeg'],
    ['media without a type', { to: TEAM, body: 'x', media: [{ base64: 'AA==' }] }, 400, 'media must be at most 10 items of { contentType, base64 }'],
    ['eleven media', { to: TEAM, body: 'x', media: new Array(11).fill({ contentType: 'image/png', base64: 'AA==' }) }, 400, 'media must be at most 10 items of { contentType, base64 }'],
  ])('refuses %s', async (_name, body, status, error) => {
    const res = await request('POST', `${phonePath(MANUAL)}/sms`, body);
    expect(res).toMatchObject({ status, body: { error } });
    expectContract(PhoneRoutes.sms.response[400], res.body);
  });

  it('answers 404 for what it does not have', async () => {
    for (const url of ['/messages/SM0', '/media/ME0']) {
      const res = await request('GET', url);
      expect(res.status).toBe(404);
      expectContract(MessageRoutes.get.response[404], res.body);
    }
  });
});
