import { describe, expect, it } from 'vitest';
import { alertsHere, holdsCall } from './busy-tabs';
import { initialState, incomingPlace, reduce, type CallInfo, type PhoneState } from './state';
import { TabCalls } from './tab-calls';
import { ChannelHub, FakeLocks, fakeEnv } from './testing/fake-env';
import { flush, incoming, outgoing, signedIn } from './testing/phone-harness';

const call = (id: string, patch: Partial<CallInfo> = {}): CallInfo => ({
  id,
  direction: 'incoming',
  peer: '+12025550123',
  startedAt: 1,
  muted: false,
  warnings: [],
  control: null,
  offer: null,
  parked: false,
  ...patch,
});
const state = (patch: Partial<PhoneState>): PhoneState => ({ ...initialState, registration: 'registered', status: 'ready', ...patch });

describe('busy per person: the decisions', () => {
  it.each([
    ['idle', state({}), false],
    ['ringing here', state({ status: 'incoming', call: call('a') }), false],
    ['dialing', state({ status: 'dialing', call: call('a') }), true],
    ['talking', state({ status: 'inCall', call: call('a') }), true],
    ['reconnecting', state({ status: 'reconnecting', call: call('a') }), true],
    ['a parked call while the next one rings', state({ status: 'incoming', call: call('b'), background: call('a', { parked: true }) }), true],
    ['a parked call in focus', state({ status: 'inCall', call: call('a', { parked: true }) }), true],
  ])('holdsCall: %s', (_name, s, expected) => {
    expect(holdsCall(s)).toBe(expected);
  });

  it.each([
    [{ leader: true, holdsCall: false, busyElsewhere: false }, true],
    [{ leader: false, holdsCall: false, busyElsewhere: false }, false],
    [{ leader: true, holdsCall: false, busyElsewhere: true }, false],
    [{ leader: false, holdsCall: true, busyElsewhere: false }, true],
    [{ leader: true, holdsCall: true, busyElsewhere: true }, true],
  ])('alertsHere %o', (tab, expected) => {
    expect(alertsHere(tab)).toBe(expected);
  });

  it.each([
    ['idle', state({}), 'focus'],
    ['idle, another tab on a call', state({ busyElsewhere: true }), 'waiting'],
    ['idle, another tab on a call, one already waiting', state({ busyElsewhere: true, waiting: call('w') }), 'busy'],
    ['on a call', state({ status: 'inCall', call: call('a') }), 'waiting'],
    ['on a call, one already waiting', state({ status: 'inCall', call: call('a'), waiting: call('w') }), 'busy'],
    ['on a call with another held', state({ status: 'inCall', call: call('a'), background: call('b', { parked: true }) }), 'busy'],
    ['dialing', state({ status: 'dialing', call: call('a') }), 'busy'],
    ['ringing here', state({ status: 'incoming', call: call('a') }), 'busy'],
  ])('incomingPlace: %s', (_name, s, expected) => {
    expect(incomingPlace(s)).toBe(expected);
  });

  it('a call ringing while another tab holds one waits quietly, then rings once that call ends', () => {
    let s = reduce(state({}), { type: 'busyElsewhere', busy: true });
    s = reduce(s, { type: 'incoming', id: 'w', peer: '+12025550199' });
    expect(s.status).toBe('ready');
    expect(s.waiting?.id).toBe('w');
    s = reduce(s, { type: 'busyElsewhere', busy: false });
    expect(s.status).toBe('incoming');
    expect(s.call?.id).toBe('w');
    expect(s.waiting).toBeNull();
  });

  it('a quiet call that stops ringing leaves no trace; a ringing one goes quiet when another tab takes a call', () => {
    let s = reduce(state({ busyElsewhere: true }), { type: 'incoming', id: 'w', peer: '+1' });
    s = reduce(s, { type: 'ended', id: 'w' });
    expect(s).toMatchObject({ status: 'ready', waiting: null, call: null });
    s = reduce(state({ status: 'incoming', call: call('r') }), { type: 'busyElsewhere', busy: true });
    expect(s).toMatchObject({ status: 'ready', call: null, waiting: { id: 'r' }, busyElsewhere: true });
  });
});

describe('busy per person: the tabs', () => {
  async function twoTabs() {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const a = await signedIn({ env: fakeEnv({ hub, locks }) });
    const b = await signedIn({ env: fakeEnv({ hub, locks }) });
    return { a, b };
  }

  it('a second call shows as call waiting only in the tab with the call; the others stay quiet', async () => {
    const { a, b } = await twoTabs();
    const first = await incoming(b);
    await incoming(a); // rings in both; answered in b
    await b.controller.accept();
    first.emit('accept', first);
    await flush();
    expect(b.status()).toBe('inCall');
    expect(a.controller.getSnapshot().phone.busyElsewhere).toBe(true);
    // a is the leader, but b holds the call: a's ringtone is off until b's call ends.
    expect(a.device().audio.incomingEnabled).toBe(false);
    for (const t of [a, b]) {
      t.env.permission = 'granted';
      t.env.hidden = true;
    }
    await incoming(a, { CallSid: 'CA2', From: '+12025550199' });
    await incoming(b, { CallSid: 'CA2', From: '+12025550199' });
    expect(a.controller.getSnapshot().phone).toMatchObject({ status: 'ready', call: null, waiting: { peer: '+12025550199' } });
    expect(b.controller.getSnapshot().phone).toMatchObject({ status: 'inCall', waiting: { peer: '+12025550199' } });
    expect(a.env.notifications).toHaveLength(0);
    expect(b.env.notifications).toHaveLength(1);
    // The call-waiting beep: in the tab with the call only.
    expect(b.device().audio.speakerDevices.played).toEqual(['/sounds/waiting.wav']);
    expect(a.device().audio.speakerDevices.played).toEqual([]);
  });

  it('rings normally again once the other tab’s call ends', async () => {
    const { a, b } = await twoTabs();
    const call = await outgoing(b);
    call.emit('accept', call);
    await flush();
    expect(a.device().audio.incomingEnabled).toBe(false);
    await incoming(a, { CallSid: 'CA2' });
    expect(a.status()).toBe('ready');
    call.emit('disconnect');
    await flush();
    expect(a.controller.getSnapshot().phone.busyElsewhere).toBe(false);
    expect(a.device().audio.incomingEnabled).toBe(true);
    expect(a.status()).toBe('incoming');
    // b is not the leader: it alerted only while it held the call.
    expect(b.device().audio.incomingEnabled).toBe(false);
  });

  it('a tab opened during a call learns of it', async () => {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const b = await signedIn({ env: fakeEnv({ hub, locks }) });
    const call = await outgoing(b);
    call.emit('accept', call);
    await flush();
    const a = await signedIn({ env: fakeEnv({ hub, locks }) });
    await flush();
    expect(a.controller.getSnapshot().phone.busyElsewhere).toBe(true);
  });
});

describe('TabCalls', () => {
  it('forgets a tab that crashed mid-call: the browser lets go of its lock', async () => {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const env = { createChannel: hub.create, locks };
    let changes = 0;
    const holder = new TabCalls('softphone:alice', 'calls', 'A', env, () => undefined);
    const other = new TabCalls('softphone:alice', 'calls', 'B', env, () => changes++);
    holder.setHoldingCall(true);
    await flush();
    expect(other.otherTabHoldsCall).toBe(true);
    // A crash sends no message; only the lock goes.
    holder['releaseOwn']?.();
    await flush();
    expect(other.otherTabHoldsCall).toBe(false);
    expect(changes).toBe(2);
  });
});
