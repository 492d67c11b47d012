import { describe, expect, it } from 'vitest';
import { FakeCall } from './testing/fake-device';
import { answeredCall, flush, incoming, signedIn } from './testing/phone-harness';

// Hold & accept and Swap through the controller: the server parks a call so the SDK, which hangs up the
// active call when it accepts another, does not end it; a ring-back with resumeCall brings it back.

type T = Awaited<ReturnType<typeof signedIn>>;

/** Alice in an answered call with +12025550123 (leg CA1, history id h1). */
const inCall = answeredCall;

function ring(t: T, callSid: string, from: string, params: Record<string, string> = {}) {
  const call = new FakeCall({ CallSid: callSid, From: from, To: 'client:alice' });
  Object.assign(call, { customParameters: new Map(Object.entries(params)) });
  t.device().emit('incoming', call);
  return call;
}

/** What the Voice SDK does on accept: the active call hangs up, then the accepted one is answered. */
async function sdkAccepts(active: FakeCall, accepted: FakeCall) {
  active.disconnect();
  accepted.emit('accept', accepted);
  await flush();
}

const phone = (t: T) => t.controller.getSnapshot().phone;
const slots = (t: T) => {
  const p = phone(t);
  const id = (c: typeof p.call) => (c ? `${c.peer}${c.parked ? ' parked' : ''}` : '-');
  return `${p.status} ${id(p.call)} / ${id(p.background)}`;
};

/** Alice talks to +12025550123 (h1) and accepted +12025550199 (h2) with Hold & accept. */
async function holdAndAccept(t: T) {
  const first = await inCall(t);
  t.api.control.addCall('h2', 'CA2', '+12025550199');
  const second = ring(t, 'CA2', '+12025550199');
  expect(await t.controller.control.holdAndAccept()).toBeNull();
  expect(second.actions).toEqual(['accept']);
  await sdkAccepts(first, second);
  return { first, second };
}

describe('parking calls', () => {
  it('Hang up on a parked call in focus asks the server to end it, and the phone goes idle', async () => {
    const t = await signedIn();
    const { second } = await holdAndAccept(t);
    second.disconnect();
    await flush();
    expect(slots(t)).toBe('inCall +12025550123 parked / -');
    t.controller.hangUp();
    await flush();
    expect(t.api.control.requests.slice(2)).toEqual(['hangup h1']);
    expect(slots(t)).toBe('ready - / -');
  });

  it('Hold & accept holds and parks the call in progress, then answers the waiting one', async () => {
    const t = await signedIn();
    await holdAndAccept(t);
    expect(t.api.control.requests).toEqual(['hold h1', 'park h1']);
    expect(slots(t)).toBe('inCall +12025550199 / +12025550123 parked');
    expect(phone(t).call?.control?.historyId).toBe('h2');
  });

  it('Hold & accept refused by the server leaves both calls as they were', async () => {
    const t = await signedIn();
    const first = await inCall(t);
    const second = ring(t, 'CA2', '+12025550199');
    t.api.control.error = new Error('Twilio refused to hold');
    expect(await t.controller.control.holdAndAccept()).toMatch(/refused/);
    expect(second.actions).toEqual([]);
    expect(first.actions).toEqual(['accept']);
    expect(phone(t).waiting?.peer).toBe('+12025550199');
  });

  it('Swap parks the call in focus and answers the ring-back into the parked one by itself', async () => {
    const t = await signedIn();
    const { second } = await holdAndAccept(t);
    expect(await t.controller.control.swap()).toBeNull();
    expect(t.api.control.requests.slice(2)).toEqual(['hold h2', 'park h2', 'unpark h1']);
    expect(slots(t)).toBe('inCall +12025550123 parked / +12025550199 parked');
    const back = ring(t, 'CA3', '+12025550123', { resumeCall: 'h1' });
    expect(back.actions).toEqual(['accept']);
    await sdkAccepts(second, back);
    expect(slots(t)).toBe('inCall +12025550123 / +12025550199 parked');
    expect(phone(t).call?.startedAt).not.toBeNull();
  });

  it('a ring-back this tab did not ask for rings like any other call (or is ignored while busy)', async () => {
    const t = await signedIn();
    await holdAndAccept(t);
    const stray = ring(t, 'CA9', '+12025550123', { resumeCall: 'h1' });
    expect(stray.actions).toEqual(['ignore']);
  });

  it('hanging up the call in focus brings the parked one forward, and Resume rings it back', async () => {
    const t = await signedIn();
    const { second } = await holdAndAccept(t);
    second.disconnect();
    await flush();
    expect(slots(t)).toBe('inCall +12025550123 parked / -');
    expect(await t.controller.control.resumeParked()).toBeNull();
    const back = ring(t, 'CA3', '+12025550123', { resumeCall: 'h1' });
    back.emit('accept', back);
    await flush();
    expect(slots(t)).toBe('inCall +12025550123 / -');
  });

  it('a parked call whose caller hangs up disappears', async () => {
    const t = await signedIn();
    await holdAndAccept(t);
    const h1 = t.api.control.list().items.find((c) => c.id === 'h1')!;
    t.events.push({ type: 'live-call', liveCall: { ...h1, legs: [], ended: true } });
    await flush();
    expect(slots(t)).toBe('inCall +12025550199 / -');
  });
});
