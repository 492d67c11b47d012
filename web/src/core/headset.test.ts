import { describe, expect, it } from 'vitest';
import { decideButton, lightsFor, type HeadsetAction } from './headset';
import { HeadsetManager } from './headset-manager';
import type { HeadsetButton } from './hid-usages';
import type { PhoneState, Status } from './state';
import { ChannelHub, FakeLocks, fakeEnv } from './testing/fake-env';
import { FakeHid, FakeHidDevice } from './testing/fake-hid';
import { HEADSET_FIXTURES } from './testing/headsets';
import { flush, incoming, outgoing, signedIn } from './testing/phone-harness';

const phone = (status: Status, muted = false): Pick<PhoneState, 'status' | 'call'> => ({
  status,
  call: status === 'ready' ? null : { id: 'c', direction: 'incoming', peer: '+1', startedAt: null, muted, warnings: [], control: null, offer: null, parked: false },
});

describe('decideButton', () => {
  // [button, value, previous, absolute, status, muted, action]
  const table: Array<[HeadsetButton, number, number | undefined, boolean, Status, boolean, HeadsetAction | null]> = [
    // Absolute hook switch: the state it reports, acted on when it changes.
    ['hookSwitch', 1, 0, true, 'incoming', false, 'accept'],
    ['hookSwitch', 1, undefined, true, 'incoming', false, 'accept'],
    ['hookSwitch', 1, 1, true, 'incoming', false, null],
    ['hookSwitch', 0, 1, true, 'inCall', false, 'hangUp'],
    ['hookSwitch', 0, 1, true, 'dialing', false, 'hangUp'],
    ['hookSwitch', 0, undefined, true, 'inCall', false, null],
    ['hookSwitch', 1, 0, true, 'inCall', false, null],
    ['hookSwitch', 1, 0, true, 'ready', false, null],
    ['hookSwitch', 0, 1, true, 'incoming', false, null],
    // Relative (toggle) hook switch: every press answers or hangs up.
    ['hookSwitch', 1, 0, false, 'incoming', false, 'accept'],
    ['hookSwitch', 1, 0, false, 'inCall', false, 'hangUp'],
    ['hookSwitch', 1, 0, false, 'ringing', false, 'hangUp'],
    ['hookSwitch', 0, 1, false, 'inCall', false, null],
    ['hookSwitch', 1, 0, false, 'ready', false, null],
    // Phone mute: a press toggles; an absolute state toggles only when it differs from the call's.
    ['phoneMute', 1, 0, false, 'inCall', false, 'toggleMute'],
    ['phoneMute', 1, 0, false, 'inCall', true, 'toggleMute'],
    ['phoneMute', 0, 1, false, 'inCall', true, null],
    ['phoneMute', 1, 0, false, 'incoming', false, null],
    ['phoneMute', 1, 0, false, 'ready', false, null],
    ['phoneMute', 1, 0, true, 'inCall', false, 'toggleMute'],
    ['phoneMute', 1, 0, true, 'inCall', true, null],
    ['phoneMute', 0, 1, true, 'inCall', true, 'toggleMute'],
    ['phoneMute', 0, 1, true, 'inCall', false, null],
    // Flash and redial.
    ['flash', 1, 0, false, 'inCall', false, 'holdOrSwap'],
    ['flash', 1, 0, true, 'inCall', false, 'holdOrSwap'],
    ['flash', 0, 1, true, 'inCall', false, null],
    ['flash', 1, 0, false, 'ready', false, null],
    ['redial', 1, 0, false, 'ready', false, 'redial'],
    ['redial', 1, 0, false, 'inCall', false, null],
  ];
  it.each(table)('%s %i (was %s, absolute %s) while %s (muted %s) → %s', (button, value, previous, absolute, status, muted, action) => {
    expect(decideButton(button, value, previous, absolute, phone(status, muted))).toBe(action);
  });
});

describe('lightsFor', () => {
  it.each([
    ['ready', false, { offHook: false, ring: false, mute: false, hold: false }],
    ['incoming', false, { offHook: false, ring: true, mute: false, hold: false }],
    ['dialing', false, { offHook: true, ring: false, mute: false, hold: false }],
    ['inCall', true, { offHook: true, ring: false, mute: true, hold: false }],
    ['reconnecting', false, { offHook: true, ring: false, mute: false, hold: false }],
    ['signedOut', false, { offHook: false, ring: false, mute: false, hold: false }],
  ] as const)('%s (muted %s)', (status, muted, lights) => {
    expect(lightsFor({ ...phone(status, muted), registration: 'registered', problem: null, waiting: null, background: null })).toEqual(lights);
  });

  it('lights Hold while this person holds the call in focus or the other of two', () => {
    const base = { ...phone('inCall'), registration: 'registered' as const, problem: null, waiting: null, background: null };
    const held = { historyId: 'h1', parties: [], transfer: null, held: true, onHold: false };
    expect(lightsFor({ ...base, call: { ...base.call!, control: held } }).hold).toBe(true);
    expect(lightsFor({ ...base, background: { ...base.call!, id: 'c2' } }).hold).toBe(true);
    expect(lightsFor({ ...base, call: { ...base.call!, control: { ...held, held: false, onHold: true } } }).hold).toBe(false);
  });
});

async function withHeadset(fixture: string, shared: { hid?: FakeHid; device?: FakeHidDevice; hub?: ChannelHub; locks?: FakeLocks } = {}) {
  const t = await signedIn({ env: fakeEnv({ hub: shared.hub, locks: shared.locks }) });
  const hid = shared.hid ?? new FakeHid();
  const device = shared.device ?? new FakeHidDevice(HEADSET_FIXTURES[fixture]!);
  hid.plug(device);
  hid.choose = device;
  const manager = new HeadsetManager({ hid, phone: t.controller, tabs: t.env.tabs });
  const log = () => t.controller.log.getEntries().map((e) => e.text);
  return { ...t, hid, hidDevice: device, manager, log };
}

describe('Headset with the phone (VBeT VT Lync: absolute hook switch, relative mute, a report per light)', () => {
  it('connects by choice, rings, answers on hook switch, mutes with the LED echoed, hangs up, lights off', async () => {
    const t = await withHeadset('vbet-vt-lync');
    await t.manager.connect();
    expect(t.hid.requests).toEqual([{ filters: [{ usagePage: 0x0b }] }]);
    expect(t.manager.getState()).toMatchObject({ kind: 'connected', name: 'VT Lync (340b:0020)' });
    expect(t.log()).toContainEqual(expect.stringMatching(/^Headset connected: VT Lync .*buttons: hookSwitch, flash, phoneMute; lights: mute, offHook, ring, hold/));

    const call = await incoming(t);
    await flush();
    expect(t.hidDevice.last(4)?.[0]).toBe(1); // ring
    expect(t.hidDevice.last(4)).toHaveLength(15);

    t.hidDevice.input(1, [0b100, ...new Array(14).fill(0)]); // off hook
    await flush();
    expect(call.actions).toContain('accept');
    call.emit('accept');
    await flush();
    expect(t.status()).toBe('inCall');
    expect(t.hidDevice.last(2)?.[0]).toBe(0b01); // off-hook on
    expect(t.hidDevice.last(4)?.[0]).toBe(0); // ring off

    const before = t.hidDevice.sent.length;
    t.hidDevice.input(1, [0b1100, ...new Array(14).fill(0)]); // mute pressed (hook still off)
    await flush();
    expect(call.isMuted()).toBe(true);
    expect(t.controller.getSnapshot().phone.call?.muted).toBe(true);
    expect(t.hidDevice.last(3)?.[0]).toBe(1); // mute LED on
    t.hidDevice.input(1, [0b0100, ...new Array(14).fill(0)]); // mute released: no change, but the lights are echoed
    await flush();
    expect(call.isMuted()).toBe(true);
    expect(t.hidDevice.sent.length).toBeGreaterThan(before + 3);

    t.hidDevice.input(1, new Array(15).fill(0)); // on hook
    await flush();
    expect(call.actions).toContain('disconnect');
    expect(t.status()).toBe('ready');
    for (const id of [2, 3, 4]) expect(t.hidDevice.last(id)?.[0]).toBe(0);
    expect(t.log()).toEqual(expect.arrayContaining(['Headset: answering', 'Headset: hanging up', 'Headset lights: off']));
  });

  it('a mute press while only ringing does nothing but correct the lights', async () => {
    const t = await withHeadset('vbet-vt-lync');
    await t.manager.connect();
    const call = await incoming(t);
    t.hidDevice.input(1, [0b1000, ...new Array(14).fill(0)]);
    await flush();
    expect(call.isMuted()).toBe(false);
    expect(call.actions).toEqual([]);
    expect(t.hidDevice.last(4)?.[0]).toBe(1);
  });

  it('Flash during a call goes to the hold hook, which does not exist yet: logged, nothing else', async () => {
    const t = await withHeadset('vbet-vt-lync');
    await t.manager.connect();
    const call = await outgoing(t);
    call.emit('accept');
    t.hidDevice.input(1, [0b1000000, ...new Array(14).fill(0)]);
    await flush();
    expect(t.log()).toContain('Headset: flash ignored (this phone cannot hold calls yet)');
    expect(t.status()).toBe('inCall');
  });
});

describe('Headset: other vendors', () => {
  it('Poly Blackwire 3220: relative mute toggles on each press; its lights are three one-byte reports', async () => {
    const t = await withHeadset('poly-blackwire-3220');
    await t.manager.connect();
    const call = await outgoing(t);
    call.emit('accept');
    await flush();
    expect(t.hidDevice.last(23)).toEqual([1]);
    t.hidDevice.input(8, [0b011]); // mute press, hook off
    t.hidDevice.input(8, [0b010]);
    await flush();
    expect(call.isMuted()).toBe(true);
    expect(t.hidDevice.last(9)).toEqual([1]);
    t.hidDevice.input(8, [0b011]);
    await flush();
    expect(call.isMuted()).toBe(false);
    expect(t.hidDevice.last(9)).toEqual([0]);
  });

  it('Gigaset: redial calls the last number dialled in this tab', async () => {
    const t = await withHeadset('gigaset-dongle');
    await t.manager.connect();
    const call = await outgoing(t, '+12025550199');
    call.emit('accept');
    await flush();
    expect([...(t.hidDevice.last(2) ?? [])]).toEqual([0b01, 0]);
    call.disconnect();
    await flush();
    t.hidDevice.input(2, [0b100000, 0]);
    await flush();
    expect(t.device().connects.at(-1)).toEqual({ To: '+12025550199' });
  });
});

describe('HeadsetManager: connecting', () => {
  it('reconnects a granted headset on a later visit and when it is plugged back in; Disconnect forgets it', async () => {
    const hid = new FakeHid();
    const device = new FakeHidDevice(HEADSET_FIXTURES['gigaset-dongle']!);
    hid.granted.add(device);
    const t = await withHeadset('gigaset-dongle', { hid, device });
    await t.manager.restore();
    expect(t.manager.getState().kind).toBe('connected');
    hid.unplug(device);
    expect(t.manager.getState().kind).toBe('none');
    expect(t.log()).toContain('Headset unplugged: Gigaset headset dongle (0000:0000)');
    hid.plug(device);
    await flush();
    await flush();
    expect(t.manager.getState().kind).toBe('connected');
    await t.manager.disconnect();
    expect(device.forgotten).toBe(true);
    expect(t.manager.getState().kind).toBe('none');
    await t.manager.restore();
    expect(t.manager.getState().kind).toBe('none');
  });

  it('a cancelled chooser changes nothing; a device that cannot be opened says why', async () => {
    const t = await withHeadset('vbet-vt-lync');
    t.hid.choose = null;
    await t.manager.connect();
    expect(t.manager.getState()).toEqual({ kind: 'none' });
    t.hid.choose = t.hidDevice;
    t.hidDevice.openError = new Error('Failed to open the device.');
    await t.manager.connect();
    expect(t.manager.getState()).toEqual({ kind: 'failed', detail: 'Failed to open the device.' });
  });
});

describe('Headset: several tabs', () => {
  it('follows the tab holding the call; otherwise the tab that rings', async () => {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const hid = new FakeHid();
    const device = new FakeHidDevice(HEADSET_FIXTURES['vbet-vt-lync']!);
    const leader = await withHeadset('vbet-vt-lync', { hub, locks, hid, device });
    const other = await withHeadset('vbet-vt-lync', { hub, locks, hid, device });
    await leader.manager.connect();
    await other.manager.restore();
    await flush();
    expect(leader.controller.getSnapshot().leader).toBe(true);
    expect(other.controller.getSnapshot().leader).toBe(false);

    // The second tab places a call: the headset follows it, and the ringer's tab stays out.
    const call = await outgoing(other);
    call.emit('accept');
    await flush();
    await flush();
    expect(device.last(2)?.[0]).toBe(1);
    const sentBefore = device.sent.length;
    device.input(1, new Array(15).fill(0).map((_, i) => (i === 0 ? 0b100 : 0)));
    device.input(1, new Array(15).fill(0));
    await flush();
    expect(call.actions).toContain('disconnect');
    expect(leader.log().filter((l) => l.startsWith('Headset: '))).toEqual([]);
    expect(device.last(2)?.[0]).toBe(0);
    expect(device.sent.length).toBeGreaterThan(sentBefore);

    // Call over: an incoming call is the ringer tab's again.
    await flush();
    await incoming(leader);
    await incoming(other);
    await flush();
    expect(device.last(4)?.[0]).toBe(1);
  });
});
