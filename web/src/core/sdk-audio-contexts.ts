/**
 * Which AudioContext each live Voice SDK Device uses, so that a Device can start on a fresh one and the
 * one before is closed when its Device goes.
 *
 * Why: the SDK keeps one AudioContext for the page (a static of Device, made by the first Device) and
 * makes three MediaStreamAudioSourceNodes on it per call, the meters' taps two more. Chromium keeps each
 * one's audio sink (resampler, FIFO) until the context is closed, whether it runs or rests: some 400 kB a
 * call in a tab that never closes it (docs/benchmarks.md). Closing the context is the only release; a
 * Device's calls use it, so it can only go with its Device. DeviceRegistration renews the Device on a
 * fresh context now and then while the tab is quiet (registration.ts).
 *
 * The SDK reads the statics when a Device is made (its audio helper keeps the context; calls take it from
 * there) and, for key tones, the dial-tone player when a call is placed. So they are switched to a fresh
 * context only while the new Device is constructed, and from then on keep pointing at the Device in use:
 * they move to the newer Device's when the one in use is destroyed. A context still used by a live Device
 * is never closed, and the last one is kept for the next Device after sign-out, as the SDK intends.
 */
export interface ClosableAudioContext {
  close(): Promise<void>;
}

/** The SDK's statics (Device._audioContext and Device._dialtonePlayer), private fields at run time. */
export interface SdkAudioStatics {
  _audioContext?: ClosableAudioContext;
  _dialtonePlayer?: unknown;
}

interface Owned {
  context: ClosableAudioContext | undefined;
  dialtone: unknown;
}

export class SdkAudioContexts {
  /** Live Devices, oldest first, with what they were made with. */
  private readonly live = new Map<object, Owned>();

  /** `beforeClose` finishes what must be done on a context before it is closed (the meters' nodes: main.tsx). */
  constructor(
    private readonly statics: SdkAudioStatics,
    private readonly beforeClose: (context: ClosableAudioContext) => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Makes a Device with `construct`: on the page's context, or with `fresh`, on a new one of its own. */
  make<D extends { destroy(): void }>(construct: () => D, fresh = false): D {
    const s = this.statics;
    const before: Owned = { context: s._audioContext, dialtone: s._dialtonePlayer };
    const swap = fresh && before.context !== undefined;
    if (swap) this.point({ context: undefined, dialtone: undefined });
    let device: D;
    let own: Owned;
    try {
      device = construct();
      own = { context: s._audioContext, dialtone: s._dialtonePlayer };
    } finally {
      // The Device in use keeps the statics until it is destroyed (see the module comment).
      if (swap) this.point(before);
    }
    this.live.set(device, own);
    const destroy = device.destroy.bind(device);
    device.destroy = () => {
      destroy();
      this.gone(device);
    };
    return device;
  }

  private gone(device: object): void {
    const owned = this.live.get(device);
    if (!owned) return;
    this.live.delete(device);
    const { context } = owned;
    if (!context || [...this.live.values()].some((o) => o.context === context)) return;
    if (context === this.statics._audioContext) {
      const newest = [...this.live.values()].at(-1);
      if (!newest) return; // signed out: the next Device uses it
      this.point(newest);
    }
    const close = () => void context.close().catch(() => undefined);
    this.beforeClose(context).then(close, close);
  }

  private point(owned: Owned): void {
    this.statics._audioContext = owned.context;
    this.statics._dialtonePlayer = owned.dialtone;
  }
}
