import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { FakeLeg, sdkSession } from '../test-support/emulator-fakes';
import { startWebhookReceiver, type Hit, type WebhookReceiver } from '../test-support/webhook-receiver';
import type { EmulatorOptions } from './types';
import { createEmulator } from './emulator';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const AUTH = 'b'.repeat(32);
const KEY = { sid: 'SK' + 'c'.repeat(32), secret: 'key-secret' };
const APP = 'AP' + 'd'.repeat(32);

let hooks: WebhookReceiver;
let origin: string;
let hits: Hit[];

beforeEach(async () => {
  hooks = await startWebhookReceiver(AUTH);
  ({ origin, hits } = hooks);
});
afterEach(() => hooks.close());

/** What the application answers, for the test at hand. */
const respond = (answer: WebhookReceiver['respond']) => {
  hooks.respond = answer;
};

function setup() {
  const legs: FakeLeg[] = [];
  const options: EmulatorOptions = {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [{ sid: APP, voiceUrl: `${origin}/voice`, statusCallback: `${origin}/status` }],
    numbers: [{ phoneNumber: '+12025550100', voiceApplicationSid: APP }],
    publicOrigin: origin,
    webhookTimeoutSeconds: 2,
  };
  const engine = createEmulator(options, {
    createLeg: (id) => { const l = new FakeLeg(id); legs.push(l); return l; },
    bridge: () => ({ unbridge() {} }),
  });
  const sent: { type: string; payload: any }[] = [];
  const session = sdkSession(engine, sent);
  const jwt = new twilio.jwt.AccessToken(ACCOUNT, KEY.sid, KEY.secret, { identity: 'alice', ttl: 600 });
  jwt.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: APP, outgoingApplicationParams: { team: 'blue' } }));
  session.receive(JSON.stringify({ type: 'listen', payload: { token: jwt.toJwt() } }));
  session.receive(JSON.stringify({ type: 'register', payload: { media: { audio: true } } }));
  const invite = (params: string) => session.receive(JSON.stringify({ type: 'invite', payload: { callsid: 'TJ123', sdp: 'v=0 offer', twilio: { params } } }));
  return { engine, session, sent, legs, invite };
}

const until = async (fn: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('The emulator with an SDK caller', () => {
  it('fetches the voice URL with Twilio\'s signed parameters, answers, runs the TwiML and hangs up', async () => {
    respond(() => ({ status: 200, body: '<Response><Say>Hello there</Say></Response>' }));
    const { engine, sent, legs, invite } = setup();
    invite('To=%2B12025550199&note=hi');
    await until(() => sent.some((m) => m.type === 'hangup'));
    const voice = hits.find((h) => h.path === '/voice')!;
    expect(voice.signatureOk).toBe(true);
    expect(voice.params).toMatchObject({
      AccountSid: ACCOUNT, ApplicationSid: APP, ApiVersion: '2010-04-01', CallStatus: 'ringing', Direction: 'inbound',
      From: 'client:alice', Caller: 'client:alice', To: '+12025550199', Called: '+12025550199', note: 'hi', team: 'blue',
    });
    expect(voice.params.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    const types = sent.map((m) => m.type);
    expect(types.slice(0, 2)).toEqual(['connected', 'ready']);
    const answer = sent.find((m) => m.type === 'answer')!;
    expect(answer.payload).toMatchObject({ callsid: voice.params.CallSid, sdp: 'v=0 answer ' + voice.params.CallSid });
    expect(typeof answer.payload.reconnect).toBe('string');
    expect(sent.find((m) => m.type === 'hangup')!.payload).toEqual({ callsid: voice.params.CallSid });
    expect(legs[0]!.played).toEqual([{ kind: 'speech', text: 'Hello there' }]);
    await until(() => hits.some((h) => h.path === '/status'));
    expect(hits.find((h) => h.path === '/status')!.params).toMatchObject({ CallStatus: 'completed', CallSid: voice.params.CallSid, CallDuration: '0' });
    // The finished call keeps what its leg measured, not the closed leg (finished calls are kept by the hundred).
    const call = engine.calls.get(voice.params.CallSid!)!;
    expect(legs[0]!.closed).toBe(true);
    expect(call.media).toBeNull();
    expect(call.finalMedia).toMatchObject({ codec: 'PCMU', iceState: 'closed' });
  });

  it('treats a failing webhook as an application error: apology, hangup, error in the log', async () => {
    respond(() => ({ status: 500, body: 'boom' }));
    const { engine, sent, legs, invite } = setup();
    invite('To=x');
    await until(() => sent.some((m) => m.type === 'hangup'));
    expect(legs[0]!.played).toEqual([{ kind: 'speech', text: 'We are sorry, an application error has occurred. Goodbye.' }]);
    const call = [...engine.calls.values()][0]!;
    expect(call.status).toBe('completed');
    expect(call.events.some((e) => e.kind === 'error' && e.text.startsWith('11200'))).toBe(true);
  });

  it('reports invalid TwiML as 12100 and <Reject> as Decline to the SDK', async () => {
    respond(() => ({ status: 200, body: '<Response><Dance/></Response>' }));
    const a = setup();
    a.invite('');
    await until(() => a.sent.some((m) => m.type === 'hangup'));
    expect([...a.engine.calls.values()][0]!.events.some((e) => e.text.startsWith('12100'))).toBe(true);

    respond(() => ({ status: 200, body: '<Response><Reject/></Response>' }));
    const b = setup();
    b.invite('');
    await until(() => b.sent.some((m) => m.type === 'hangup'));
    expect(b.sent.find((m) => m.type === 'hangup')!.payload).toEqual({ callsid: 'TJ123', error: { code: 31603, message: 'Decline' } });
    expect(b.sent.some((m) => m.type === 'answer')).toBe(false);
  });

  it('dials a busy phone and posts the Dial action with DialCallStatus=busy', async () => {
    respond((path) => path === '/voice'
      ? { status: 200, body: `<Response><Dial callerId="+12025550100" action="/after"><Number>+12025550103</Number></Dial></Response>` }
      : { status: 200, body: '<Response><Say>Busy, sorry</Say></Response>' });
    const { sent, invite } = setup();
    invite('To=%2B12025550103');
    await until(() => sent.some((m) => m.type === 'hangup'));
    const after = hits.find((h) => h.path === '/after')!;
    expect(after.signatureOk).toBe(true);
    expect(after.params).toMatchObject({ DialCallStatus: 'busy', DialBridged: 'false', CallStatus: 'in-progress' });
    expect(after.params.DialCallSid).toMatch(/^CA/);
  });

  it('answerOnBridge: ringing with early media, answer only when the phone picks up', async () => {
    respond(() => ({ status: 200, body: '<Response><Dial callerId="+12025550100" answerOnBridge="true"><Number>+12025550102</Number></Dial></Response>' }));
    const { engine, sent, invite } = setup();
    invite('To=%2B12025550102');
    await until(() => engine.phones.get('+12025550102')!.state === 'ringing');
    await until(() => sent.some((m) => m.type === 'ringing'));
    expect(sent.some((m) => m.type === 'answer')).toBe(false);
    engine.phones.get('+12025550102')!.ring!.answer();
    await until(() => sent.some((m) => m.type === 'answer'));
    const parent = [...engine.calls.values()].find((c) => c.parentSid === null)!;
    expect(parent.status).toBe('in-progress');
  });
});
