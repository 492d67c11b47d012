// "Call via my phone" in the browser core, against the fake API.
import { describe, expect, it } from 'vitest';
import { ClickToCall } from './click-to-call';
import { FakeApi } from './testing/fake-env';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

const progress = (stage: 'calling-you' | 'press-1' | 'connected' | 'ended', callSid = `CA${'0'.repeat(31)}1`, reason: string | null = null) =>
  ({ callSid, to: '+14155550123', via: '+12025550177', stage, reason });

describe('ClickToCall', () => {
  it('dials through the personal number only when it is kept and chosen; the choice is remembered', async () => {
    const api = new FakeApi();
    const storage = memoryStorage();
    const c = new ClickToCall(api, storage);
    await c.load();
    expect(c.view.get().personalNumber).toBeNull();
    c.setViaMyPhone(true);
    expect(c.active).toBe(false);
    expect(await c.savePersonalNumber('+12025550177')).toBeNull();
    expect(c.active).toBe(true);
    expect(new ClickToCall(api, storage).view.get().viaMyPhone).toBe(true);
    // Forgetting the number turns the choice off.
    expect(await c.savePersonalNumber('  ')).toBeNull();
    expect(c.view.get()).toMatchObject({ personalNumber: null, viaMyPhone: false });
  });

  it("gives the server's sentence when a number is refused", async () => {
    const c = new ClickToCall(new FakeApi(), undefined);
    expect(await c.savePersonalNumber('my mobile')).toBe('That is not a valid phone number. Check it and try again.');
  });

  it('shows the call, follows its events, ignores late ones after the end, and hangs up the live one', async () => {
    const api = new FakeApi();
    api.personal = '+12025550177';
    const c = new ClickToCall(api, undefined);
    await c.call('+14155550123');
    expect(api.clickToCalls).toEqual(['+14155550123']);
    expect(c.view.get().progress?.stage).toBe('calling-you');
    c.apply(progress('press-1'));
    c.apply(progress('connected'));
    await c.hangUp();
    expect(api.hungUp).toEqual([`CA${'0'.repeat(31)}1`]);
    c.apply(progress('ended', undefined, 'completed'));
    c.apply(progress('connected'));
    expect(c.view.get().progress).toMatchObject({ stage: 'ended', reason: 'completed' });
    await c.hangUp();
    expect(api.hungUp).toHaveLength(1);
    c.dismiss();
    expect(c.view.get().progress).toBeNull();
  });

  it('says why a call could not be placed', async () => {
    const c = new ClickToCall(new FakeApi(), undefined);
    await c.call('+14155550123');
    expect(c.view.get()).toMatchObject({ progress: null, error: 'Add your phone number in Settings first.' });
  });
});
