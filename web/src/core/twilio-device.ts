import type { DeviceFactory, DeviceLike } from './types';

/**
 * The real Device, loaded on demand: the SDK is the largest dependency and the sign-in page does
 * not need it. main.tsx starts the download at once so it is usually here before the token is.
 */
export const loadVoiceSdk = (): Promise<typeof import('@twilio/voice-sdk')> => import('@twilio/voice-sdk');

export const createTwilioDevice: DeviceFactory = async (token, options) => {
  const { Device } = await loadVoiceSdk();
  if (!Device.isSupported) throw Object.assign(new Error('This browser cannot make calls (WebRTC unavailable).'), { name: 'NotSupportedError' });
  const device: DeviceLike = new Device(token, options as ConstructorParameters<typeof Device>[1]);
  return device;
};
