import { SdkAudioContexts, type SdkAudioStatics } from './sdk-audio-contexts';
import type { AudioContextLike, DeviceFactory, DeviceLike } from './types';

/**
 * The real Device, loaded on demand: the SDK is the largest dependency and the sign-in page does
 * not need it. main.tsx starts the download at once so it is usually here before the token is.
 */
export const loadVoiceSdk = (): Promise<typeof import('@twilio/voice-sdk')> => import('@twilio/voice-sdk');

let sdk: Awaited<ReturnType<typeof loadVoiceSdk>> | null = null;
let contexts: SdkAudioContexts | null = null;
let beforeContextCloses: (context: unknown) => Promise<void> = () => Promise.resolve();

/** What must happen on an SDK AudioContext before it is closed (sdk-audio-contexts.ts); main.tsx sets it. */
export function beforeSdkContextCloses(hook: (context: unknown) => Promise<void>): void {
  beforeContextCloses = hook;
}

export const createTwilioDevice: DeviceFactory = async (token, options, how) => {
  sdk = await loadVoiceSdk();
  const { Device } = sdk;
  if (!Device.isSupported) throw Object.assign(new Error('This browser cannot make calls (WebRTC unavailable).'), { name: 'NotSupportedError' });
  contexts ??= new SdkAudioContexts(Device as unknown as SdkAudioStatics, (context) => beforeContextCloses(context));
  const device: DeviceLike = contexts.make(() => new Device(token, options as ConstructorParameters<typeof Device>[1]), how?.freshAudio);
  return keepOneTokenTimer(device);
};

/**
 * Voice SDK 2.18 arms its tokenWillExpire timer (the token's lifetime, an hour) on every `connected` from
 * the gateway, that is on every token update and every reconnect, without clearing the one before, and
 * destroy() leaves it too. Each renewal or replaced Device thus left a timer pending for an hour, holding
 * its Device, and fired a needless renewal when it ran out. Here the SDK's own field keeps one timer:
 * arming a new one clears the old, and destroying the Device clears the last. A Device without that
 * field (another SDK version) is left as it is.
 */
export function keepOneTokenTimer<D extends object & { destroy(): void }>(device: D, timers: Pick<typeof globalThis, 'clearTimeout'> = globalThis): D {
  const field = '_tokenWillExpireTimeout';
  if (!(field in device)) return device;
  let armed = (device as Record<string, unknown>)[field] as ReturnType<typeof setTimeout> | null;
  Object.defineProperty(device, field, {
    configurable: true,
    get: () => armed,
    set: (timer: ReturnType<typeof setTimeout> | null) => {
      if (armed !== null && armed !== timer) timers.clearTimeout(armed);
      armed = timer;
    },
  });
  const destroy = device.destroy.bind(device);
  device.destroy = () => {
    destroy();
    if (armed !== null) timers.clearTimeout(armed);
    armed = null;
  };
  return device;
}

/** The SDK's shared AudioContext, once a Device has made it. */
export const sdkAudioContext = (): AudioContextLike | null => sdk?.Device.audioContext ?? null;
