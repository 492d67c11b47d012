/**
 * The call-control routes through inject(), with the real history store and a recording stand-in for
 * Twilio's conference API: who may act on which call (401, 404), targets checked by the dialing rules
 * (400), states that do not allow a request (409), the move into a conference (the dialed leg redirected,
 * the caller's <Dial> action answered with the same room), signed conference callbacks, Twilio's
 * refusals (502), and every call shape (a phone calling the team, a browser calling a number or a colleague).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveCall } from '../../contracts/api/call-control';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import type { ConferenceApi, DialIn } from '../calls/twilio-conferences';
import type { CallRecord } from '../../contracts/api/history';
import { TwilioRefusedError } from '../calls/twilio-conferences';
import { eventually } from '../../test-support/wait';

let app: FastifyInstance;
let alice: string;
let bob: string;
const calls: string[] = [];
let afterDialTwiml = '';
let refuseNextDial = false;
const CALLER = '+14155550123';
const PARENT = `CA${'1'.repeat(32)}`;
const CHILD = `CA${'2'.repeat(32)}`;

function webhook(url: string, params: Record<string, string>, signature = sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, params)) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: form(params) });
}

const api: ConferenceApi = {
  async redirect(callSid, twiml) {
    calls.push(`redirect ${callSid}`);
    expect(twiml).toContain('<Conference');
    // As Twilio does: the caller's <Dial> ends and its action is asked what next.
    afterDialTwiml = (await webhook('/handle_calls/after-dial?leg=inbound', { CallSid: PARENT, From: CALLER, To: TEAM_NUMBER, DialCallStatus: 'completed', DialCallSid: CHILD })).body;
  },
  async seated(room, sids) {
    calls.push(`seated ${sids.join(',')}`);
    return `CF${'9'.repeat(32)}`;
  },
  async hold(_conference, callSid, hold) {
    calls.push(`${hold ? 'hold' : 'unhold'} ${callSid}`);
  },
  async dialIn(_room, dial: DialIn) {
    calls.push(`dial ${dial.to} from ${dial.from}`);
    if (refuseNextDial) {
      refuseNextDial = false;
      throw new TwilioRefusedError('Twilio refused to call the person (error 21216): not allowed');
    }
    return `CA${'3'.repeat(32)}`;
  },
  async remove(_conference, callSid) {
    calls.push(`remove ${callSid}`);
  },
  async end() {
    calls.push('end');
  },
};

beforeAll(async () => {
  ({ app } = await testApp(await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA' }), { webRoot: '/nonexistent', conferences: api }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
  // A phone calls the team; alice's browser answers.
  await webhook('/handle_calls', { CallSid: PARENT, From: CALLER, To: TEAM_NUMBER, CallStatus: 'ringing', Direction: 'inbound' });
  await webhook('/handle_calls/status', { CallSid: CHILD, ParentCallSid: PARENT, From: CALLER, To: 'client:alice', CallStatus: 'in-progress', SequenceNumber: '2' });
});
afterAll(() => app.close());

const post = (cookie: string, url: string, payload?: object) =>
  app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, cookie }, ...(payload ? { payload } : {}) });
const liveOf = async (cookie: string) => (await app.inject({ method: 'GET', url: '/api/calls/live', headers: { cookie } })).json().items as LiveCall[];

describe('call control routes', () => {
  let id = '';

  it('lists the live call for the user in it, with their own leg, and for nobody else', async () => {
    const [call] = await liveOf(alice);
    expect(call).toMatchObject({ conference: false, legs: [CHILD], transfer: null, ended: false });
    expect(call!.parties.map((p) => `${p.kind}:${p.name}:${p.state}`)).toEqual([`phone:${CALLER}:connected`, 'user:alice:connected']);
    id = call!.id;
    expect(await liveOf(bob)).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/calls/live' })).statusCode).toBe(401);
  });

  it('answers 401 signed out, 404 to a user not in the call or for an unknown id, 409 for a request the state does not allow', async () => {
    expect((await app.inject({ method: 'POST', url: `/api/calls/${id}/hold`, headers: JSON_HEADERS })).statusCode).toBe(401);
    const notHis = await post(bob, `/api/calls/${id}/hold`);
    expect([notHis.statusCode, notHis.json()]).toEqual([404, { code: 'not_found', error: 'No live call with this id that you are in.' }]);
    expect((await post(alice, '/api/calls/999999/hold')).statusCode).toBe(404);
    expect((await post(alice, '/api/calls/not-a-number/hold')).statusCode).toBe(404);
    const res = await post(alice, `/api/calls/${id}/resume`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('wrong_state');
    expect(calls).toEqual([]);
  });

  it('refuses targets the dialing rules refuse, before touching the call', async () => {
    // The same words a person dialing the target would see.
    const cases: [string, number, string, RegExp][] = [
      ['+19005550100', 400, 'not_allowed', /premium rate numbers are not allowed/],
      ['+442071838750', 400, 'not_allowed', /that country are not allowed/],
      ['zed', 400, 'unknown_user', /no colleague with that name/],
      ['alice', 400, 'bad_request', /cannot call yourself/],
      ['911', 400, 'not_allowed', /does not place emergency calls/],
    ];
    for (const [to, status, error, words] of cases) {
      for (const request of ['transfer', 'add'] as const) {
        const res = await post(alice, `/api/calls/${id}/${request}`, request === 'transfer' ? { to, mode: 'blind' } : { to });
        expect([request, to, res.statusCode, res.json().code]).toEqual([request, to, status, error]);
        expect(res.json().error).toMatch(words);
      }
    }
    expect((await post(alice, `/api/calls/${id}/add`, { to: '' })).statusCode).toBe(400);
    expect(calls).toEqual([]);
  });

  it('hold moves the call: the dialed leg is redirected, the caller follows through its <Dial> action, then is held', async () => {
    const res = await post(alice, `/api/calls/${id}/hold`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ conference: true, legs: [CHILD] });
    expect(calls.splice(0)).toEqual([`redirect ${CHILD}`, `seated ${CHILD},${PARENT}`, `hold ${PARENT}`]);
    expect(afterDialTwiml).toMatch(/<Dial><Conference [^>]*>call-[0-9a-f]{24}<\/Conference><\/Dial>/);
    // Twilio retrying the action finds the same room; another call's action is the usual one.
    expect((await webhook('/handle_calls/after-dial?leg=inbound', { CallSid: PARENT, From: CALLER, To: TEAM_NUMBER, DialCallStatus: 'completed' })).body).toBe(afterDialTwiml);
    expect((await webhook('/handle_calls/after-dial?leg=inbound', { CallSid: `CA${'8'.repeat(32)}`, From: CALLER, To: TEAM_NUMBER, DialCallStatus: 'completed' })).body).not.toContain('Conference');
    expect((await post(alice, `/api/calls/${id}/resume`)).statusCode).toBe(200);
    expect(calls.splice(0)).toEqual([`unhold ${PARENT}`]);
  });

  it('Twilio refusing the dial-in answers 502 with its reason', async () => {
    refuseNextDial = true;
    const res = await post(alice, `/api/calls/${id}/add`, { to: '+14155550100' });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'twilio_refused', error: expect.stringContaining('21216') });
    expect(calls.splice(0)).toEqual(['dial +14155550100 from +12025550100']);
  });

  it('conference callbacks must be signed, and move the call on: a consult target answers, then the caller leaves', async () => {
    const [call] = await liveOf(alice);
    const room = /call-[0-9a-f]{24}/.exec(afterDialTwiml)![0];
    const first = `CA${'3'.repeat(32)}`;
    // The refused add left nobody ringing.
    expect(call!.parties.some((p) => p.state === 'ringing')).toBe(false);
    expect((await webhook('/handle_calls/conference', { FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: PARENT }, 'forged')).statusCode).toBe(403);

    const consult = await post(alice, `/api/calls/${id}/transfer`, { to: 'bob', mode: 'consult' });
    expect(consult.statusCode).toBe(200);
    expect(calls.splice(0)).toEqual([`hold ${PARENT}`, `dial client:bob?transferredBy=alice&transferredCaller=%2B14155550123&transferMode=consult from ${CALLER}`]);
    expect((await webhook('/handle_calls/conference', { FriendlyName: room, ConferenceSid: `CF${'9'.repeat(32)}`, StatusCallbackEvent: 'participant-join', CallSid: first })).statusCode).toBe(204);
    const [bobView] = await liveOf(bob);
    expect(bobView).toMatchObject({ id, legs: [first], transfer: { mode: 'consult', to: 'bob', by: 'alice', state: 'consulting' } });
    const done = await post(alice, `/api/calls/${id}/transfer/complete`);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ ended: true, legs: [] });
    expect(calls.splice(0)).toEqual([`unhold ${PARENT}`, `remove ${CHILD}`]);
    expect(await liveOf(alice)).toEqual([]);
    // In the history the call was answered by the colleague who took it.
    const record = async () => ((await app.inject({ method: 'GET', url: '/api/calls', headers: { cookie: bob } })).json().items as CallRecord[]).find((c) => c.id === id);
    expect(await record()).toMatchObject({ answeredBy: 'bob', transferredTo: 'client:bob', transferredBy: 'alice', parties: ['client:bob'], outcome: null, endedAt: null });
    // The caller hangs up: bob is alone, the conference ends; the history's call ends with it, once however often Twilio says so.
    const conference = { FriendlyName: room, ConferenceSid: `CF${'9'.repeat(32)}` };
    await webhook('/handle_calls/conference', { ...conference, StatusCallbackEvent: 'participant-leave', CallSid: PARENT, SequenceNumber: '5' });
    expect(calls.splice(0)).toEqual(['end']);
    expect(await liveOf(bob)).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const ended = await webhook('/handle_calls/conference', { ...conference, StatusCallbackEvent: 'conference-end', SequenceNumber: '6', Timestamp: new Date().toUTCString() });
      expect(ended.statusCode).toBe(204);
    }
    const done2 = await record();
    expect(done2).toMatchObject({ outcome: 'answered', answeredBy: 'bob', parties: ['client:bob'], endedAt: expect.any(String), durationSeconds: expect.any(Number) });
  });

  it('calls a browser placed, to a number or to a colleague, are held the same way, by either colleague', async () => {
    const shapes = [
      { parent: `CA${'4'.repeat(32)}`, child: `CA${'5'.repeat(32)}`, to: '+14155550188', childFrom: TEAM_NUMBER, who: () => alice, parties: ['user:alice', 'phone:+14155550188'] },
      { parent: `CA${'6'.repeat(32)}`, child: `CA${'7'.repeat(32)}`, to: 'client:bob', childFrom: 'client:alice', who: () => bob, parties: ['user:alice', 'user:bob'] },
    ];
    for (const shape of shapes) {
      await webhook('/handle_calls', { CallSid: shape.parent, From: 'client:alice', To: shape.to, CallStatus: 'ringing', Direction: 'inbound' });
      await webhook('/handle_calls/status', { CallSid: shape.child, ParentCallSid: shape.parent, From: shape.childFrom, To: shape.to, CallStatus: 'in-progress', SequenceNumber: '2' });
      // The voice webhook's own fact is written beside its answer (best effort), so it may land a moment later.
      const find = async () => (await liveOf(shape.who())).find((c) => c.parties.map((p) => `${p.kind}:${p.name}`).join() === shape.parties.join());
      await eventually(async () => expect(await find(), shape.to).toMatchObject({ conference: false, ended: false }), `the call to ${shape.to}`);
      const call = await find();
      const held = await post(shape.who(), `/api/calls/${call!.id}/hold`);
      expect(held.statusCode).toBe(200);
      // The dialed leg is moved; the other party (the number, or alice's parent leg) is held.
      const other = shape.to === 'client:bob' ? shape.parent : shape.child;
      expect(calls.splice(0)).toEqual([`redirect ${shape.child}`, `seated ${shape.child},${shape.parent}`, `hold ${other}`]);
    }
  });
});

