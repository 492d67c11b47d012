import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { PhoneController } from './controller';
import { ChannelHub, FakeApi, FakeLocks, fakeEnv, type FakeEnv } from './testing/fake-env';
import { FakeCall, FakeDevice } from './testing/fake-device';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function twilioError(code: number, message = 'error') {
  return Object.assign(new Error(message), { code });
}

function setup(opts: { env?: FakeEnv; api?: FakeApi; onDevice?: (d: FakeDevice) => void } = {}) {
  const api = opts.api ?? new FakeApi();
  const env = opts.env ?? fakeEnv();
  const devices: FakeDevice[] = [];
  const controller = new PhoneController({
    api,
    env,
    createDevice: async (token, options) => {
      const device = new FakeDevice(token, options);
      devices.push(device);
      opts.onDevice?.(device);
      return device;
    },
    texts: { incomingTitle: (p) => `Call from ${p}`, incomingBody: () => 'Answer in the softphone' },
  });
  const device = () => {
    const d = devices[devices.length - 1];
    if (!d) throw new Error('no device yet');
    return d;
  };
  const status = () => controller.getSnapshot().phone.status;
  return { api, env, controller, devices, device, status };
}

async function signedIn(opts: Parameters<typeof setup>[0] = {}) {
  const t = setup(opts);
  await t.controller.start();
  expect(await t.controller.signIn('alice', 'pw')).toBeNull();
  await flush();
  return t;
}

async function incoming(t: Awaited<ReturnType<typeof signedIn>>, params: Record<string, string> = {}) {
  const call = new FakeCall({ CallSid: 'CA1', From: '+12025550123', To: 'client:alice', ...params });
  t.device().emit('incoming', call);
  return call;
}

async function outgoing(t: Awaited<ReturnType<typeof signedIn>>, to = '+12025550123') {
  const call = new FakeCall({});
  t.device().nextCall = call;
  await t.controller.dial(to);
  return call;
}

describe('PhoneController: sign-in and registration', () => {
  it('stays signed out when there is no session', async () => {
    const t = setup();
    await t.controller.start();
    expect(t.controller.getSnapshot()).toMatchObject({ booting: false, user: null, phone: { status: 'signedOut' } });
    expect(t.devices).toHaveLength(0);
  });

  it('reports a wrong password in words and creates no Device', async () => {
    const t = setup();
    await t.controller.start();
    expect(await t.controller.signIn('alice', 'nope')).toBe('Wrong user name or password.');
    expect(t.status()).toBe('signedOut');
    expect(t.devices).toHaveLength(0);
  });

  it('signs in, creates the Device with the configured options, and registers', async () => {
    const t = await signedIn();
    expect(t.status()).toBe('ready');
    expect(t.controller.getSnapshot().user?.identity).toBe('alice');
    expect(t.device().tokens).toEqual(['token-1']);
    expect(t.device().options).toMatchObject({
      chunderw: 'localhost:3100',
      publishEvents: false,
      codecPreferences: ['opus', 'pcmu'],
      closeProtection: true,
      enableRingingState: true,
    });
    expect(t.device().registerCalls).toBe(1);
  });

  it('resumes an existing session on start', async () => {
    const api = new FakeApi();
    api.sessionUser = { identity: 'bob', colleagues: ['alice'] };
    const t = setup({ api });
    await t.controller.start();
    await flush();
    expect(t.status()).toBe('ready');
    expect(t.controller.getSnapshot().user?.colleagues).toEqual(['alice']);
  });

  it('shows registering until the Device says registered', async () => {
    const t = setup({ onDevice: (d) => (d.autoRegister = false) });
    await t.controller.start();
    await t.controller.signIn('alice', 'pw');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'registering', registration: 'registering' });
    t.device().setState('registered');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', registration: 'registered' });
  });

  it('refreshes the token on tokenWillExpire without re-registering', async () => {
    const t = await signedIn();
    t.device().emit('tokenWillExpire', t.device());
    await flush();
    expect(t.device().tokens).toEqual(['token-1', 'token-2']);
    expect(t.device().registerCalls).toBe(1);
    expect(t.status()).toBe('ready');
    expect(t.devices).toHaveLength(1);
  });

  it('retries a failed token refresh and tells the person meanwhile', async () => {
    const t = await signedIn();
    t.api.tokenError = new ApiError('Server unavailable', 503, 'unavailable');
    t.device().emit('tokenWillExpire', t.device());
    await flush();
    expect(t.controller.getSnapshot().notice).toEqual({ kind: 'tokenRefreshFailed' });
    t.api.tokenError = null;
    t.env.runTimers();
    await flush();
    expect(t.device().tokens.at(-1)).toBe('token-2');
    expect(t.controller.getSnapshot().notice).toBeNull();
  });

  it('signs out when the session is gone at token refresh', async () => {
    const t = await signedIn();
    t.api.tokenError = new ApiError('Sign in first.', 401, 'unauthorized');
    t.device().emit('tokenWillExpire', t.device());
    await flush();
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'signedOut', problem: { reason: 'sessionExpired' } });
    expect(t.device().destroyed).toBe(true);
  });

  it('recovers from an expired token (31205) with a fresh one and re-registers', async () => {
    const t = await signedIn();
    t.device().setState('unregistered');
    t.device().emit('error', twilioError(31205, 'JWT token expired'));
    await flush();
    await flush();
    expect(t.device().tokens.at(-1)).toBe('token-2');
    expect(t.device().registerCalls).toBe(2);
    expect(t.status()).toBe('ready');
  });

  it('goes to error on an invalid token and retry starts over with a new Device', async () => {
    let created = 0;
    const t = setup({ onDevice: (d) => (d.autoRegister = created++ > 0) });
    await t.controller.start();
    await t.controller.signIn('alice', 'pw');
    const first = t.device();
    first.state = 'unregistered';
    first.emit('error', twilioError(31204, 'JWT token invalid'));
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'error', problem: { reason: 'tokenInvalid' } });
    await t.controller.retry();
    await flush();
    expect(first.destroyed).toBe(true);
    expect(t.devices).toHaveLength(2);
    expect(t.status()).toBe('ready');
  });

  it('fails with a reason when the Device cannot be created', async () => {
    const api = new FakeApi();
    const env = fakeEnv();
    const controller = new PhoneController({
      api,
      env,
      createDevice: async () => {
        throw Object.assign(new Error('no WebRTC'), { name: 'NotSupportedError' });
      },
    });
    await controller.start();
    await controller.signIn('alice', 'pw');
    expect(controller.getSnapshot().phone).toMatchObject({ status: 'error', problem: { reason: 'unsupported' } });
  });

  it('sign-out destroys the Device and ends the session on the server', async () => {
    const t = await signedIn();
    await t.controller.signOut();
    expect(t.device().destroyed).toBe(true);
    expect(t.api.signOuts).toBe(1);
    expect(t.controller.getSnapshot()).toMatchObject({ user: null, phone: { status: 'signedOut' } });
    // Events from the destroyed Device no longer move the state.
    t.device().emit('registered');
    expect(t.status()).toBe('signedOut');
  });

  // A Device unregistered by lost signaling re-registers itself once its socket is back, unless
  // register() is called on it meanwhile; so the controller never does that, it starts a new Device.
  async function expectReplaced(t: Awaited<ReturnType<typeof signedIn>>, count = 2) {
    for (let i = 0; i < 4; i++) await flush();
    expect(t.devices).toHaveLength(count);
    const old = t.devices[count - 2]!;
    expect(old.destroyed).toBe(true);
    expect(old.registerCalls).toBe(1);
    expect(t.device().registerCalls).toBe(1);
    expect(t.status()).toBe('ready');
  }

  it('re-registers after an unexpected unregistration, with a new Device and a fresh token', async () => {
    const t = await signedIn();
    t.device().setState('unregistered');
    expect(t.status()).toBe('registering');
    t.env.runTimers();
    await expectReplaced(t);
    expect(t.device().tokens).toEqual(['token-2']);
  });

  it('does not replace a Device that re-registered by itself in the meantime', async () => {
    const t = await signedIn();
    t.device().setState('unregistered');
    t.device().setState('registered');
    t.env.runTimers();
    for (let i = 0; i < 4; i++) await flush();
    expect(t.devices).toHaveLength(1);
    expect(t.status()).toBe('ready');
  });

  it('re-registers when the network comes back', async () => {
    const t = await signedIn();
    t.env.online = false;
    t.device().setState('unregistered');
    t.env.runTimers(); // offline: the retry waits
    await flush();
    expect(t.devices).toHaveLength(1);
    t.env.online = true;
    t.env.fire('window', 'online');
    await expectReplaced(t);
  });

  it('re-registers when a hidden tab becomes visible, and refreshes the token on resume', async () => {
    const t = await signedIn();
    t.device().setState('unregistered');
    t.env.hidden = false;
    t.env.fire('document', 'visibilitychange');
    await expectReplaced(t);
    const tokens = t.device().tokens.length;
    t.env.fire('document', 'resume');
    await flush();
    expect(t.device().tokens.length).toBe(tokens + 1);
  });
});

describe('PhoneController: incoming calls', () => {
  it('rings, accepts, runs, mutes, sends digits and hangs up', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    expect(t.controller.getSnapshot().phone.call).toMatchObject({ direction: 'incoming', peer: '+12025550123' });
    expect(t.status()).toBe('incoming');
    await t.controller.accept();
    expect(call.actions).toContain('accept');
    t.env.time = 5_000;
    call.emit('accept', call);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'inCall', call: { startedAt: 5_000 } });
    t.controller.toggleMute();
    expect(t.controller.getSnapshot().phone.call?.muted).toBe(true);
    t.controller.toggleMute();
    expect(t.controller.getSnapshot().phone.call?.muted).toBe(false);
    t.controller.sendDigits('1');
    expect(call.sentDigits).toEqual(['1']);
    // Keys pressed while a tone plays are sent together once it is done, never replacing it.
    t.controller.sendDigits('9');
    t.controller.sendDigits('#');
    expect(call.sentDigits).toEqual(['1']);
    t.env.runTimers();
    expect(call.sentDigits).toEqual(['1', '9#']);
    t.env.runTimers();
    t.controller.sendDigits('0');
    expect(call.sentDigits).toEqual(['1', '9#', '0']);
    t.controller.hangUp();
    expect(call.actions).toContain('disconnect');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', call: null, problem: null });
  });

  it('rejects', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    t.controller.reject();
    expect(call.actions).toEqual(['reject']);
    expect(t.status()).toBe('ready');
  });

  it('ignores: stops ringing here without rejecting', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    t.controller.ignore();
    expect(call.actions).toEqual(['ignore']);
    expect(t.status()).toBe('ready');
  });

  it('closes the dialog when the caller cancels', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    call.emit('cancel');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: null });
  });

  it('uses the chosen microphone for the call', async () => {
    const t = await signedIn();
    await t.controller.setAudioPref('input', 'headset-mic');
    await incoming(t);
    await t.controller.accept();
    expect(t.device().audio.inputDevice?.deviceId).toBe('headset-mic');
  });

  it('notifies once when the tab is hidden and notifications are allowed', async () => {
    const t = await signedIn();
    t.env.permission = 'granted';
    t.env.hidden = true;
    const call = await incoming(t);
    expect(t.env.notifications).toEqual([{ title: 'Call from +12025550123', body: 'Answer in the softphone', closed: false }]);
    call.emit('cancel');
    expect(t.env.notifications[0]?.closed).toBe(true);
  });

  it('does not notify a visible tab', async () => {
    const t = await signedIn();
    t.env.permission = 'granted';
    await incoming(t);
    expect(t.env.notifications).toHaveLength(0);
  });
});

describe('PhoneController: outgoing calls', () => {
  it('dials, rings, connects and hangs up', async () => {
    const t = await signedIn();
    const call = await outgoing(t, 'client:bob');
    expect(t.device().connects).toEqual([{ To: 'client:bob' }]);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'dialing', call: { direction: 'outgoing', peer: 'client:bob' } });
    call.emit('ringing', false);
    expect(t.status()).toBe('ringing');
    call.emit('accept', call);
    expect(t.status()).toBe('inCall');
    call.emit('disconnect', call);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: null });
  });

  it('says busy when the gateway answers 31486', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('ringing', false);
    call.emit('error', twilioError(31486, 'Busy Here'));
    call.emit('disconnect', call);
    expect(t.controller.getSnapshot().phone.problem?.reason).toBe('busy');
  });

  it('says no answer when the call ends before it was answered', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('ringing', false);
    call.emit('disconnect', call);
    await Promise.resolve();
    expect(t.controller.getSnapshot().phone.problem?.reason).toBe('noAnswer');
  });

  it('says the microphone is blocked when the SDK closes the call first and explains it right after', async () => {
    // Voice SDK order when getUserMedia is denied: _disconnect() (→ 'disconnect'), then 'error' 31401.
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('disconnect', call);
    call.emit('error', twilioError(31401, 'Permission denied'));
    await Promise.resolve();
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('says the microphone is blocked when connect fails with 31401', async () => {
    const t = await signedIn();
    t.device().connectError = twilioError(31401, 'Permission denied');
    await t.controller.dial('+12025550123');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('ends a call that errors and closes without a disconnect event', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.setStatus('closed');
    call.emit('error', Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    expect(t.status()).toBe('dialing');
    t.env.runTimers();
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('hangs up a call that is still being set up', async () => {
    const t = await signedIn();
    const call = new FakeCall({});
    t.device().nextCall = call;
    const dialing = t.controller.dial('+12025550123');
    t.controller.hangUp();
    expect(t.status()).toBe('ready');
    await dialing;
    expect(call.actions).toEqual(['disconnect']);
  });

  it('shows reconnecting and recovers', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('accept', call);
    call.emit('reconnecting', twilioError(53405, 'Media connection failed'));
    expect(t.status()).toBe('reconnecting');
    call.emit('reconnected');
    expect(t.status()).toBe('inCall');
  });

  it('shows quality warnings while they last', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('accept', call);
    call.emit('warning', 'high-packet-loss', {});
    expect(t.controller.getSnapshot().phone.call?.warnings).toEqual(['high-packet-loss']);
    call.emit('warning-cleared', 'high-packet-loss');
    expect(t.controller.getSnapshot().phone.call?.warnings).toEqual([]);
  });

  it('passes call volume to meters without touching the snapshot', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    const seen: number[][] = [];
    t.controller.onVolume((i, o) => seen.push([i, o]));
    const before = t.controller.getSnapshot();
    call.emit('volume', 0.3, 0.6);
    expect(seen).toEqual([[0.3, 0.6]]);
    expect(t.controller.getSnapshot()).toBe(before);
  });

  it('ignores dialing when not ready', async () => {
    const t = await signedIn();
    await outgoing(t);
    await t.controller.dial('+12025550999');
    expect(t.device().connects).toHaveLength(1);
  });
});

describe('PhoneController: audio devices', () => {
  it('remembers choices across reloads and applies them to the next Device', async () => {
    const store = new Map<string, string>();
    const t = await signedIn({ env: fakeEnv({ store }) });
    await t.controller.setAudioPref('speaker', 'headset');
    await t.controller.setAudioPref('ringtone', 'headset');
    expect([...t.device().audio.speakerDevices.selected]).toEqual(['headset']);
    const again = await signedIn({ env: fakeEnv({ store }) });
    expect(again.controller.getAudioDevices().prefs).toMatchObject({ speaker: 'headset', ringtone: 'headset' });
    expect([...again.device().audio.ringtoneDevices.selected]).toEqual(['headset']);
  });

  it('tells the person when a device in use is unplugged', async () => {
    const t = await signedIn();
    t.device().audio.emit('deviceChange', [{ deviceId: 'headset', label: 'Headset' }]);
    expect(t.controller.getSnapshot().notice).toEqual({ kind: 'deviceLost', label: 'Headset' });
  });

  it('opens the microphone for the level meter and closes it afterwards', async () => {
    const t = await signedIn();
    const levels: number[] = [];
    t.controller.onVolume((i) => levels.push(i));
    await t.controller.startInputPreview();
    expect(t.device().audio.inputDevice?.deviceId).toBe('default');
    t.device().audio.emit('inputVolume', 0.5);
    expect(levels).toEqual([0.5]);
    await t.controller.stopInputPreview();
    expect(t.device().audio.inputDevice).toBeNull();
  });
});

describe('PhoneController: several tabs', () => {
  async function twoTabs() {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const store = new Map<string, string>();
    const a = await signedIn({ env: fakeEnv({ hub, locks, store }) });
    const b = await signedIn({ env: fakeEnv({ hub, locks, store }) });
    return { a, b };
  }

  it('only the leader tab rings', async () => {
    const { a, b } = await twoTabs();
    expect(a.controller.getSnapshot().leader).toBe(true);
    expect(b.controller.getSnapshot().leader).toBe(false);
    expect(a.device().audio.incomingEnabled).toBe(true);
    expect(b.device().audio.incomingEnabled).toBe(false);
  });

  it('hands leadership over when the leader signs out', async () => {
    const { a, b } = await twoTabs();
    await a.controller.signOut();
    await flush();
    expect(b.controller.getSnapshot().leader).toBe(true);
    expect(b.device().audio.incomingEnabled).toBe(true);
  });

  it('only the leader notifies', async () => {
    const { a, b } = await twoTabs();
    for (const t of [a, b]) {
      t.env.permission = 'granted';
      t.env.hidden = true;
    }
    await incoming(a);
    await incoming(b);
    expect(a.env.notifications).toHaveLength(1);
    expect(b.env.notifications).toHaveLength(0);
  });

  it('closes the other tab’s dialog when the call is answered in one', async () => {
    const { a, b } = await twoTabs();
    const callA = await incoming(a);
    const callB = await incoming(b);
    await b.controller.accept();
    callB.emit('accept', callB);
    expect(b.status()).toBe('inCall');
    expect(a.status()).toBe('ready');
    expect(callA.actions).toEqual(['ignore']);
    expect(a.controller.getSnapshot().notice).toEqual({ kind: 'handledElsewhere', decision: 'answered' });
  });

  it('rejects in every tab when rejected in one', async () => {
    const { a, b } = await twoTabs();
    const callA = await incoming(a);
    const callB = await incoming(b);
    a.controller.reject();
    expect(callB.actions).toEqual(['reject']);
    expect(a.status()).toBe('ready');
    expect(b.status()).toBe('ready');
    expect(callA.actions).toEqual(['reject']);
  });

  it('leaves an unrelated call alone', async () => {
    const { a, b } = await twoTabs();
    await incoming(a, { CallSid: 'CA1' });
    const callB = await incoming(b, { CallSid: 'CA2', From: '+12025550999' });
    a.controller.reject();
    expect(callB.actions).toEqual([]);
    expect(b.status()).toBe('incoming');
  });
});

describe('PhoneController: connection trouble', () => {
  it('says the service cannot be reached while the SDK retries, and clears it on registration', async () => {
    const t = setup({ onDevice: (d) => (d.autoRegister = false) });
    await t.controller.start();
    await t.controller.signIn('alice', 'pw');
    t.device().emit('error', Object.assign(new Error('Connection error'), { code: 31005 }));
    expect(t.controller.getSnapshot()).toMatchObject({ notice: { kind: 'connectionTrouble' }, phone: { status: 'registering' } });
    t.device().setState('registered');
    expect(t.controller.getSnapshot()).toMatchObject({ notice: null, phone: { status: 'ready' } });
  });
});
