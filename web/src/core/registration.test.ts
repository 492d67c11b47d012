import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { PhoneController } from './controller';
import { FakeApi, fakeEnv } from './testing/fake-env';
import { FakeEventServer } from './testing/fake-events';
import { FakeCall, type FakeDevice } from './testing/fake-device';
import { flush, incoming, outgoing, setup, signedIn, twilioError } from './testing/phone-harness';
import { FRESH_AUDIO_AFTER_CALLS, FRESH_AUDIO_BUSY_AFTER_CALLS } from './registration';

describe('PhoneController: sign-in and registration', () => {
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
      events: new FakeEventServer().transport,
      createDevice: async () => {
        throw Object.assign(new Error('no WebRTC'), { name: 'NotSupportedError' });
      },
    });
    await controller.start();
    await controller.signIn('alice', 'pw');
    expect(controller.getSnapshot().phone).toMatchObject({ status: 'error', problem: { reason: 'unsupported' } });
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

describe('PhoneController: an all-day session', () => {
  const listenersOf = (d: FakeDevice) => [d, d.audio].reduce((n, e) => n + e.eventNames().reduce((m, name) => m + e.listenerCount(name), 0), 0);

  it('token renewals and reconnects leave no listener behind, and nothing in the console that would keep an old connection', async () => {
    const t = await signedIn();
    const page = t.env.listenerCount();
    const wired = listenersOf(t.device());
    for (let cycle = 0; cycle < 8; cycle++) {
      // The gateway expires the token (31205): renewed on the same Device.
      t.device().setState('unregistered');
      t.device().fail(twilioError(31205, 'JWT token expired'));
      for (let i = 0; i < 4; i++) await flush();
      expect(t.status()).toBe('ready');
      // The signaling socket drops (1006 → 31005): the Device loses its registration and is replaced.
      t.device().fail(twilioError(31005, 'Connection error'));
      t.device().setState('unregistered');
      t.env.runTimers();
      for (let i = 0; i < 4; i++) await flush();
      expect(t.status()).toBe('ready');
    }
    expect(t.devices).toHaveLength(9);
    expect(t.env.listenerCount()).toBe(page);
    expect(listenersOf(t.device())).toBe(wired);
    for (const old of t.devices.slice(0, -1)) expect(listenersOf(old)).toBe(0);
    expect(t.devices.flatMap((d) => d.consoleLog)).toEqual([]);
    // The person still sees why, in the device log.
    expect(t.controller.log.getEntries().filter((e) => e.text.includes('Device error 31005'))).toHaveLength(8);
  });

  /** `count` calls placed, answered and hung up, one after the other. */
  async function callsMade(t: Awaited<ReturnType<typeof signedIn>>, count: number) {
    for (let i = 0; i < count; i++) {
      const call = await outgoing(t);
      call.emit('accept', call);
      await flush();
      t.controller.hangUp();
      await flush();
    }
  }
  /** The second Device (the renewal) stays registering, its register() pending, until the test says. */
  const signedInRegisteringSecondByHand = () => {
    let made = 0;
    return signedIn({
      onDevice: (d) => {
        const second = made++ === 1;
        d.autoRegister = !second;
        d.registerWaits = second;
      },
    });
  };
  const settle = async () => {
    for (let i = 0; i < 6; i++) await flush();
  };
  const renewals = (t: Awaited<ReturnType<typeof signedIn>>) => t.controller.log.getEntries().filter((e) => e.text.startsWith('Connection renewed'));

  it(`renews the Device on a fresh AudioContext after ${FRESH_AUDIO_AFTER_CALLS} calls, registering the new one before the old goes`, async () => {
    const t = await signedInRegisteringSecondByHand();
    const first = t.device();
    await callsMade(t, FRESH_AUDIO_AFTER_CALLS - 1);
    t.env.runTimers();
    await settle();
    expect(t.devices).toHaveLength(1);

    await callsMade(t, 1);
    t.env.runTimers();
    await settle();
    const renewed = t.device();
    expect(t.devices).toHaveLength(2);
    expect(renewed.freshAudio).toBe(true);
    // Registering, silent: the old Device still takes calls and rings.
    expect([renewed.state, renewed.audio.incomingEnabled, first.destroyed]).toEqual(['registering', false, false]);
    renewed.setState('registered');
    await settle();
    expect(first.destroyed).toBe(true);
    expect(renewed.tokens).toEqual(['token-2']);
    expect(renewed.audio.incomingEnabled).toBe(true);
    expect(renewals(t).map((e) => e.text)).toEqual([`Connection renewed after ${FRESH_AUDIO_AFTER_CALLS} calls (fresh audio)`]);
    expect(t.status()).toBe('ready');

    // The renewed Device is the one in use: it rings, and the count starts again.
    await incoming(t);
    expect(t.status()).toBe('incoming');
    t.controller.reject();
    await callsMade(t, FRESH_AUDIO_AFTER_CALLS - 2);
    t.env.runTimers();
    await settle();
    expect(t.devices).toHaveLength(2);
  });

  it('keeps the old Device when a call arrives while the new one registers, and tries again after that call', async () => {
    const t = await signedInRegisteringSecondByHand();
    const first = t.device();
    await callsMade(t, FRESH_AUDIO_AFTER_CALLS);
    t.env.runTimers();
    await settle();
    const abandoned = t.device();
    expect(abandoned.state).toBe('registering');
    // Twilio rings every registration of the identity: the old Device, in use, hears it.
    const call = new FakeCall({ CallSid: 'CA9', From: '+12025550123', To: 'client:alice' });
    const sameOnNew = new FakeCall({ CallSid: 'CA9', From: '+12025550123', To: 'client:alice' });
    first.emit('incoming', call);
    abandoned.emit('incoming', sameOnNew);
    abandoned.setState('registered');
    await settle();
    expect([abandoned.destroyed, first.destroyed, t.status()]).toEqual([true, false, 'incoming']);
    // Ignored there, not rejected: a reject would end the call on every registration.
    expect([sameOnNew.actions, call.actions]).toEqual([['ignore'], []]);
    expect(abandoned.listenerCount('incoming')).toBe(0);
    expect(renewals(t)).toHaveLength(0);

    await t.controller.accept();
    call.emit('accept', call);
    await flush();
    t.controller.hangUp();
    await settle();
    t.env.runTimers();
    await settle();
    expect(t.devices).toHaveLength(3);
    expect(first.destroyed).toBe(true);
    expect(renewals(t)).toHaveLength(1);
  });

  it(`renews between two calls after ${FRESH_AUDIO_BUSY_AFTER_CALLS} calls in a tab never quiet long enough, and only once at a time`, async () => {
    const t = await signedInRegisteringSecondByHand();
    const first = t.device();
    // No timer runs: every call follows the one before within the quiet delay.
    await callsMade(t, FRESH_AUDIO_BUSY_AFTER_CALLS - 1);
    await settle();
    expect(t.devices).toHaveLength(1);

    await callsMade(t, 1);
    await settle();
    expect(t.devices).toHaveLength(2);
    // Another hang-up while that renewal registers starts no second one.
    await callsMade(t, 1);
    await settle();
    expect(t.devices).toHaveLength(2);
    t.device().setState('registered');
    await settle();
    expect(first.destroyed).toBe(true);
    expect(renewals(t).map((e) => e.text)).toEqual([`Connection renewed after ${FRESH_AUDIO_BUSY_AFTER_CALLS} calls (fresh audio)`]);
  });

  it('does not renew while the microphone preview is open, nor after sign-out', async () => {
    const t = await signedIn();
    await callsMade(t, FRESH_AUDIO_AFTER_CALLS);
    await t.controller.startInputPreview();
    t.env.runTimers();
    await settle();
    expect(t.devices).toHaveLength(1);

    await t.controller.stopInputPreview();
    await callsMade(t, 1);
    await t.controller.signOut();
    t.env.runTimers();
    await settle();
    expect(t.devices).toHaveLength(1);
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

// Every token request ends the session the same way when the server no longer knows it.
describe('DeviceRegistration: a 401 from the token route', () => {
  const gone = () => new ApiError('Sign in first.', 401, 'unauthorized');

  it('signs out when the session is gone before the first Device', async () => {
    const t = setup();
    await t.controller.start();
    t.api.tokenError = gone();
    expect(await t.controller.signIn('alice', 'pw')).toBeNull();
    expect(t.controller.getSnapshot()).toMatchObject({ user: null, phone: { status: 'signedOut', problem: { reason: 'sessionExpired' } } });
    expect(t.devices).toHaveLength(0);
  });

  it('signs out when the session is gone while replacing a Device that lost its registration', async () => {
    const t = await signedIn();
    t.api.tokenError = gone();
    t.device().setState('unregistered');
    t.env.runTimers();
    for (let i = 0; i < 4; i++) await flush();
    expect(t.controller.getSnapshot()).toMatchObject({ user: null, phone: { status: 'signedOut', problem: { reason: 'sessionExpired' } } });
    expect(t.devices).toHaveLength(1);
    expect(t.device().destroyed).toBe(true);
  });

  it('keeps trying while the token route fails for other reasons, and says so', async () => {
    const t = await signedIn();
    t.api.tokenError = new ApiError('Server unavailable', 503, 'unavailable');
    t.device().setState('unregistered');
    t.env.runTimers();
    for (let i = 0; i < 4; i++) await flush();
    expect(t.controller.getSnapshot()).toMatchObject({ notice: { kind: 'tokenRefreshFailed' }, phone: { status: 'registering' } });
    t.api.tokenError = null;
    t.env.runTimers();
    for (let i = 0; i < 4; i++) await flush();
    expect(t.devices).toHaveLength(2);
    expect(t.controller.getSnapshot()).toMatchObject({ notice: null, phone: { status: 'ready' } });
  });
});
