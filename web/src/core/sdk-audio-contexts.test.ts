import { describe, expect, it } from 'vitest';
import { SdkAudioContexts, type SdkAudioStatics } from './sdk-audio-contexts';

class Context {
  closed = 0;
  constructor(readonly name: string) {}
  async close(): Promise<void> {
    this.closed++;
  }
}

/** The SDK's Device constructor as far as the statics go: it makes the context and dial-tone player if missing. */
function sdk(beforeClose?: (context: Context) => Promise<void>) {
  const statics: SdkAudioStatics = {};
  const made: Context[] = [];
  const contexts = new SdkAudioContexts(statics, beforeClose as ((context: unknown) => Promise<void>) | undefined);
  const newDevice = (fresh = false) =>
    contexts.make(() => {
      if (!statics._audioContext) {
        const context = new Context(`c${made.length + 1}`);
        made.push(context);
        statics._audioContext = context;
        statics._dialtonePlayer = { context };
      }
      return { destroyed: false, destroy() { this.destroyed = true; } };
    }, fresh);
  const current = () => (statics._audioContext as Context | undefined)?.name;
  const dialtone = () => ((statics._dialtonePlayer as { context: Context } | undefined)?.context.name);
  return { statics, made, newDevice, current, dialtone };
}

/** A context is closed once what comes before its closing has settled. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SdkAudioContexts', () => {
  it('shares the page context between Devices made the usual way, and keeps it after sign-out', () => {
    const t = sdk();
    const first = t.newDevice();
    const context = t.statics._audioContext as Context;
    const replacement = t.newDevice();
    first.destroy();
    expect(first.destroyed).toBe(true);
    expect(context.closed).toBe(0);
    replacement.destroy();
    expect(context.closed).toBe(0);
    expect(t.current()).toBe('c1');
  });

  it('gives a fresh Device its own context, which the statics point at once the one in use is destroyed', async () => {
    const t = sdk();
    const old = t.newDevice();
    const renewed = t.newDevice(true);
    // While the old one is in use, the statics (read when a call is placed) stay its own.
    expect([t.current(), t.dialtone()]).toEqual(['c1', 'c1']);
    old.destroy();
    expect([t.current(), t.dialtone()]).toEqual(['c2', 'c2']);
    await settled();
    expect(t.made.map((c) => [c.name, c.closed])).toEqual([['c1', 1], ['c2', 0]]);
    expect(renewed.destroyed).toBe(false);
  });

  it('closes a fresh Device that never went into use and leaves the one in use alone', async () => {
    const t = sdk();
    t.newDevice();
    const abandoned = t.newDevice(true);
    abandoned.destroy();
    await settled();
    expect(t.made.map((c) => [c.name, c.closed])).toEqual([['c1', 0], ['c2', 1]]);
    expect([t.current(), t.dialtone()]).toEqual(['c1', 'c1']);
  });

  it('closes a context only after what must happen before has finished, and even if it failed', async () => {
    const finish: (() => void)[] = [];
    const fail: (() => void)[] = [];
    const t = sdk((context) => new Promise<void>((resolve, reject) => {
      finish.push(resolve);
      fail.push(() => reject(new Error(`${context.name} would not stop`)));
    }));
    t.newDevice();
    t.newDevice(true).destroy();
    const renewed = t.newDevice(true);
    await settled();
    expect(t.made.map((c) => c.closed)).toEqual([0, 0, 0]);
    finish[0]!();
    await settled();
    expect(t.made.map((c) => c.closed)).toEqual([0, 1, 0]);
    renewed.destroy();
    fail[1]!();
    await settled();
    expect(t.made.map((c) => c.closed)).toEqual([0, 1, 1]);
  });

  it('restores the statics when the SDK throws while making a fresh Device', () => {
    const t = sdk();
    t.newDevice();
    const contexts = new SdkAudioContexts(t.statics);
    expect(() =>
      contexts.make(() => {
        throw new Error('no WebRTC');
      }, true),
    ).toThrow('no WebRTC');
    expect([t.current(), t.dialtone()]).toEqual(['c1', 'c1']);
  });

  it('makes the first Device the usual way even when asked for a fresh one', () => {
    const t = sdk();
    const first = t.newDevice(true);
    expect(t.current()).toBe('c1');
    first.destroy();
    expect((t.statics._audioContext as Context).closed).toBe(0);
  });
});
