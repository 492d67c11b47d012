/**
 * "Call via my phone" through inject(): the personal number (same rules as any destination), placing a call
 * through it from the team number, hanging up only one's own, and the signed webhooks that run the call
 * and report its progress as events for that user alone.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClickToCallProgress } from '../../contracts/api/click-to-call';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { testStore } from '../../test-support/database';
import { ACCOUNT_SID, AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import { PlaceRefusedError, type CallPlacer, type PlaceRequest, type PlacedCall } from '../click-to-call/placer';
import type { Store } from '../store/store';

const MOBILE = '+12025550177';
const DEST = '+14155550123';
const callSid = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;

let app: FastifyInstance;
let store: Store;
let alice: string;
let bob: string;
const placed: PlaceRequest[] = [];
const ended: string[] = [];
const calls = new Map<string, PlacedCall>();
let refuseNext: PlaceRefusedError | undefined;

const placer: CallPlacer = {
  async place(request) {
    if (refuseNext) {
      const e = refuseNext;
      refuseNext = undefined;
      throw e;
    }
    placed.push(request);
    const call = { sid: callSid(placed.length), to: request.to, from: request.from, status: 'queued' };
    calls.set(call.sid, call);
    return call;
  },
  fetch: async (sid) => calls.get(sid),
  async end(sid) {
    ended.push(sid);
  },
};

beforeAll(async () => {
  const config = await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' });
  store = await testStore(config);
  ({ app } = await testApp(config, { webRoot: '/nonexistent', store, placer }));
  app.addHook('onClose', () => store.close());
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
});
afterAll(() => app.close());

const put = (cookie: string, personalNumber: string | null) =>
  app.inject({ method: 'PUT', url: '/api/me/personal-number', headers: { ...JSON_HEADERS, cookie }, payload: { personalNumber } });
const get = (cookie: string) => app.inject({ method: 'GET', url: '/api/me/personal-number', headers: { cookie } });
const dial = (cookie: string, to: string) => app.inject({ method: 'POST', url: '/api/click-to-call', headers: { ...JSON_HEADERS, cookie }, payload: { to } });
const hangup = (cookie: string, sid: string) => app.inject({ method: 'POST', url: `/api/click-to-call/${sid}/hangup`, headers: { ...JSON_HEADERS, cookie }, payload: {} });
function webhook(url: string, params: Record<string, string>) {
  const signature = sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, params);
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: form(params) });
}
const path = (url: string) => url.slice(PUBLIC_BASE_URL.length);

describe('the personal number', () => {
  it('starts empty, is kept in E.164 per user, and can be forgotten', async () => {
    expect((await get(alice)).json()).toEqual({ personalNumber: null });
    const res = await put(alice, '(202) 555-0177');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ personalNumber: MOBILE });
    expect((await get(alice)).json()).toEqual({ personalNumber: MOBILE });
    expect((await get(bob)).json()).toEqual({ personalNumber: null });
    expect((await put(bob, '+12025550188')).json()).toEqual({ personalNumber: '+12025550188' });
    expect((await put(bob, null)).json()).toEqual({ personalNumber: null });
    expect((await get(bob)).json()).toEqual({ personalNumber: null });
  });

  it.each([
    ['not a number', 'my mobile', 400, 'bad_request', 'That is not a valid phone number. Check it and try again.'],
    ['a country calls may not go to', '+442071838750', 400, 'not_allowed', 'Calls to that country are not allowed from the team number.'],
    ['a premium-rate number', '+19005550123', 400, 'not_allowed', 'Calls to premium-rate numbers are not allowed.'],
  ])('refuses %s in words and keeps the old one', async (_name, number, status, code, error) => {
    const res = await put(alice, number);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ code, error });
    expect((await get(alice)).json()).toEqual({ personalNumber: MOBILE });
  });
});

describe('POST /api/click-to-call', () => {
  it('refuses without a personal number', async () => {
    const res = await dial(bob, DEST);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ code: 'no_personal_number', error: 'Add your phone number in Settings first.' });
  });

  it('refuses a destination calls may not go to, and places nothing', async () => {
    const res = await dial(alice, '+33612345678');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('not_allowed');
    expect(placed).toEqual([]);
  });

  it("calls the user's phone from the team number with the signed answer and status URLs", async () => {
    const res = await dial(alice, '415 555 0123');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ callSid: callSid(1), to: DEST, via: MOBILE, stage: 'calling-you', reason: null });
    const q = `user=alice&to=%2B14155550123&via=%2B12025550177`;
    expect(placed).toEqual([{
      to: MOBILE, from: TEAM_NUMBER,
      url: `${PUBLIC_BASE_URL}/handle_calls/click-to-call?${q}`,
      statusCallback: `${PUBLIC_BASE_URL}/handle_calls/click-to-call/status?${q}&leg=mobile`,
    }]);
  });

  it("puts Twilio's refusal in words", async () => {
    refuseNext = new PlaceRefusedError('Twilio refused the call (error 21215): Account not authorized to call +12025550177.', 21215);
    const res = await dial(alice, DEST);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ code: 'twilio_refused', error: 'Twilio refused the call (error 21215): Account not authorized to call +12025550177.' });
  });
});

describe('hanging up', () => {
  it('ends the call to your own phone, and no one else’s', async () => {
    expect((await hangup(bob, callSid(1))).statusCode).toBe(404);
    expect((await hangup(alice, callSid(99))).statusCode).toBe(404);
    expect((await hangup(alice, 'not-a-sid')).statusCode).toBe(404);
    expect(ended).toEqual([]);
    expect((await hangup(alice, callSid(1))).statusCode).toBe(204);
    expect(ended).toEqual([callSid(1)]);
  });
});

describe('the webhooks', () => {
  const leg = { CallSid: callSid(1), AccountSid: ACCOUNT_SID, From: TEAM_NUMBER, To: MOBILE, Direction: 'outbound-api' };

  it('answer: a <Gather> for one key; unsigned gets 403', async () => {
    const url = path(placed[0]!.url);
    const res = await webhook(url, { ...leg, CallStatus: 'in-progress' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Gather numDigits="1"');
    const unsigned = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(leg) });
    expect(unsigned.statusCode).toBe(403);
  });

  it('connect: 1 dials the destination from the team number and tells the user; another key says goodbye', async () => {
    const progress = vi.spyOn(store.clickToCall, 'progress');
    const url = `/handle_calls/click-to-call/connect?user=alice&to=%2B14155550123&via=%2B12025550177`;
    const res = await webhook(url, { ...leg, Digits: '1' });
    expect(res.body).toContain(`<Dial callerId="${TEAM_NUMBER}" answerOnBridge="true"><Number`);
    expect(res.body).toContain(`>${DEST}</Number>`);
    expect(progress).toHaveBeenLastCalledWith('alice', { callSid: callSid(1), to: DEST, via: MOBILE, stage: 'calling-destination', reason: null });
    const other = await webhook(url, { ...leg, Digits: '5' });
    expect(other.body).not.toContain('<Dial');
    expect(progress).toHaveBeenLastCalledWith('alice', expect.objectContaining({ stage: 'ended', reason: 'no-key' }));
    progress.mockRestore();
  });

  it('status: each leg becomes a progress event for that user only', async () => {
    const events: { user: string; progress: ClickToCallProgress }[] = [];
    const progress = vi.spyOn(store.clickToCall, 'progress').mockImplementation(async (user, p) => void events.push({ user, progress: p }));
    const status = (which: string, params: Record<string, string>) =>
      webhook(`/handle_calls/click-to-call/status?user=alice&to=%2B14155550123&via=%2B12025550177&leg=${which}`, params);
    expect((await status('mobile', { ...leg, CallStatus: 'ringing' })).statusCode).toBe(204);
    expect((await status('destination', { CallSid: callSid(7), ParentCallSid: callSid(1), CallStatus: 'in-progress', To: DEST })).statusCode).toBe(204);
    expect((await status('destination', { CallSid: callSid(7), ParentCallSid: callSid(1), CallStatus: 'completed', To: DEST })).statusCode).toBe(204);
    expect((await status('mobile', { ...leg, CallStatus: 'completed' })).statusCode).toBe(204);
    expect(events.map((e) => [e.user, e.progress.callSid, e.progress.stage, e.progress.reason])).toEqual([
      ['alice', callSid(1), 'calling-you', null],
      ['alice', callSid(1), 'connected', null],
      ['alice', callSid(1), 'ended', 'completed'],
    ]);
    progress.mockImplementation(async () => {
      throw new Error('connection refused');
    });
    expect((await status('mobile', { ...leg, CallStatus: 'busy' })).statusCode).toBe(503);
    progress.mockRestore();
  });

  it('stores the event in the outbox for that user alone', async () => {
    const before = store.events.lastId;
    const progress: ClickToCallProgress = { callSid: callSid(1), to: DEST, via: MOBILE, stage: 'ended', reason: 'busy' };
    await store.clickToCall.progress('alice', progress);
    const top = before + 1000;
    const forAlice = (await store.events.replay('alice', before, top)) ?? [];
    expect(forAlice.filter((e) => e.type === 'click-to-call').map((e) => e.payload)).toContainEqual({ progress });
    expect(((await store.events.replay('bob', before, top)) ?? []).filter((e) => e.type === 'click-to-call')).toEqual([]);
  });
});
