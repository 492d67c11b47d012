import { describe, expect, it } from 'vitest';
import { isSameCall } from './tabs';
import { ChannelHub, FakeLocks, fakeEnv } from './testing/fake-env';
import { flush, incoming, signedIn } from './testing/phone-harness';

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

  it('still says the call was answered in another tab when that tab’s message comes after the gateway’s cancel', async () => {
    const { a, b } = await twoTabs();
    const callA = await incoming(a);
    const callB = await incoming(b);
    // Under load the gateway's cancel reaches this tab before the other tab's message.
    callA.emit('cancel');
    expect(a.status()).toBe('ready');
    expect(a.controller.getSnapshot().notice).toBeNull();
    await b.controller.accept();
    callB.emit('accept', callB);
    expect(a.controller.getSnapshot().notice).toEqual({ kind: 'handledElsewhere', decision: 'answered' });
  });

  it('forgets a cancelled call after a few seconds, and never takes its own decision for another tab’s', async () => {
    const { a, b } = await twoTabs();
    const callA = await incoming(a);
    const callB = await incoming(b);
    callA.emit('cancel');
    a.env.time += 10_000;
    await b.controller.accept();
    callB.emit('accept', callB);
    expect(a.controller.getSnapshot().notice).toBeNull();

    // A caller who hangs up is not "answered elsewhere" by a message about some other call.
    const again = await incoming(a, { CallSid: 'CA9' });
    again.emit('cancel');
    b.controller['otherTabs'].announce('answered', 'CA8', '+12025550999');
    expect(a.controller.getSnapshot().notice).toBeNull();
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

describe('isSameCall', () => {
  const message = (callSid: string, from: string) => ({ type: 'answered' as const, callSid, from, tab: 'other' });
  it.each([
    ['same CallSid', message('CA1', '+1202'), 'CA1', '+1999', true],
    ['other CallSid, same caller', message('CA1', '+1202'), 'CA2', '+1202', false],
    ['no CallSid in the message: by caller', message('', '+1202'), 'CA1', '+1202', true],
    ['no CallSid here: by caller', message('CA1', '+1202'), '', '+1203', false],
  ])('%s', (_name, msg, callSid, from, expected) => {
    expect(isSameCall(msg, callSid, from)).toBe(expected);
  });
});
