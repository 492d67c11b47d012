import type { AudioContextLike, DeviceFactory, DeviceLike } from './types';

/**
 * The real Device, loaded on demand: the SDK is the largest dependency and the sign-in page does
 * not need it. main.tsx starts the download at once so it is usually here before the token is.
 */
export const loadVoiceSdk = (): Promise<typeof import('@twilio/voice-sdk')> => import('@twilio/voice-sdk');

let sdk: Awaited<ReturnType<typeof loadVoiceSdk>> | null = null;

export const createTwilioDevice: DeviceFactory = async (token, options) => {
  sdk = await loadVoiceSdk();
  const { Device } = sdk;
  if (!Device.isSupported) throw Object.assign(new Error('This browser cannot make calls (WebRTC unavailable).'), { name: 'NotSupportedError' });
  const device: DeviceLike = new Device(token, options as ConstructorParameters<typeof Device>[1]);
  return device;
};

/** The SDK's shared AudioContext, once a Device has made it. */
export const sdkAudioContext = (): AudioContextLike | null => sdk?.Device.audioContext ?? null;
