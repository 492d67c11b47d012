/**
 * The only headset code in the first load: whether the browser has WebHID, and a loader for the rest
 * (headset-manager.ts and what it imports), fetched when a granted headset is plugged in or when the
 * person opens the headset settings. People without a headset never download it.
 */
import type { HeadsetHooks, HeadsetPhone } from './headset';
import type { HeadsetManager } from './headset-manager';
import type { HidDeviceLike, HidPort } from './hid-port';
import type { TabEnv } from './tabs';

export interface HeadsetAccess {
  /** WebHID exists here (Chromium-based browsers on a secure origin). */
  readonly supported: boolean;
  /** Loads the headset code once; rejects where WebHID is missing. */
  load(): Promise<HeadsetManager>;
  /** Reconnects a headset granted on an earlier visit, loading the code only if one is plugged in. */
  restoreGranted(): Promise<void>;
}

const TELEPHONY_PAGE = 0x0b;
const isTelephony = (device: HidDeviceLike) => device.collections.some((c) => c.usagePage === TELEPHONY_PAGE);

export function headsetAccess(hid: HidPort | null, phone: HeadsetPhone, tabs: TabEnv, hooks?: HeadsetHooks): HeadsetAccess {
  if (!hid) {
    return { supported: false, load: () => Promise.reject(new Error('WebHID is not available')), restoreGranted: async () => undefined };
  }
  let loading: Promise<HeadsetManager> | null = null;
  const load = () =>
    (loading ??= import('./headset-manager').then(
      ({ HeadsetManager }) => new HeadsetManager({ hid, phone, tabs, ...(hooks ? { hooks } : {}) }),
    ));
  // A granted headset plugged in while the page is open; once loaded, the manager listens itself.
  const onConnect = (event: { device: HidDeviceLike }) => {
    if (!loading && isTelephony(event.device)) void load().then((manager) => manager.restore());
  };
  hid.addEventListener('connect', onConnect);
  return {
    supported: true,
    load,
    async restoreGranted() {
      const granted = await hid.getDevices().catch(() => [] as HidDeviceLike[]);
      if (loading || granted.some(isTelephony)) await (await load()).restore();
    },
  };
}
