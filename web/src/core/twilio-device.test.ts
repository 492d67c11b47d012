import { describe, expect, it } from 'vitest';
import { keepOneTokenTimer } from './twilio-device';

/** What Voice SDK 2.18's Device does with its tokenWillExpire timer (device.ts, `_onSignalingConnected`). */
class SdkLikeDevice {
  _tokenWillExpireTimeout: number | null = null;
  destroyed = false;
  private static nextTimer = 1;
  /** The gateway says `connected` (after register, updateToken or a reconnect): a new timer for the token's lifetime. */
  connected(): void {
    this._tokenWillExpireTimeout = SdkLikeDevice.nextTimer++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function pendingTimers() {
  const pending = new Set<unknown>();
  return {
    pending,
    clearTimeout: (id?: unknown) => void pending.delete(id),
    track: (device: SdkLikeDevice) => pending.add(device._tokenWillExpireTimeout),
  };
}

describe('keepOneTokenTimer', () => {
  it('token renewals leave one tokenWillExpire timer, and destroying the Device leaves none', () => {
    const timers = pendingTimers();
    const device = keepOneTokenTimer(new SdkLikeDevice(), timers);
    for (let renewal = 0; renewal < 8; renewal++) {
      device.connected();
      timers.track(device);
    }
    expect(timers.pending.size).toBe(1);
    device.destroy();
    expect(device.destroyed).toBe(true);
    expect(timers.pending.size).toBe(0);
    expect(device._tokenWillExpireTimeout).toBeNull();
  });

  it('leaves a Device without that timer (another SDK version) as it is', () => {
    const device = { destroy: () => undefined };
    expect(keepOneTokenTimer(device)).toBe(device);
    expect(Object.getOwnPropertyNames(device)).toEqual(['destroy']);
  });
});
