/**
 * A fake `navigator.hid` for the browser tests, installed before the app's scripts run: one headset
 * with a real device's collections (web/src/core/testing/headsets/), which records the output reports
 * the app sends and emits the input reports a test "presses". Like Chromium's, its chooser refuses to
 * open without a user gesture, and a granted device survives reloads until it is forgotten.
 *
 * What it cannot show: how a real headset answers those reports (its own hook and mute state machine,
 * its timing, repeated reports), or Chromium's own chooser and permission storage. See docs/headset.md.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { HeadsetFixture } from '../web/src/core/testing/headsets';

interface FakeHidWindow {
  __hid: {
    sent: Array<{ reportId: number; data: number[] }>;
    requests: unknown[];
    input(reportId: number, bytes: number[]): void;
  };
}

/** Runs in the page: the fake itself. Only what it is given may be used here. */
export const INSTALL_FAKE_HID = (device: HeadsetFixture['device'] | null) => {
  if (device === null) {
    // A browser without WebHID (Firefox, Safari).
    Object.defineProperty(Navigator.prototype, 'hid', { get: () => undefined, configurable: true });
    return;
  }
  const GRANTED = 'fake-hid-granted';
  const state: FakeHidWindow['__hid'] = {
    sent: [],
    requests: [],
    input(reportId, bytes) {
      const event = Object.assign(new Event('inputreport'), { device: fake, reportId, data: new DataView(new Uint8Array(bytes).buffer) });
      fake.dispatchEvent(event);
    },
  };
  (window as unknown as FakeHidWindow).__hid = state;
  const fake = Object.assign(new EventTarget(), {
    productName: device.productName,
    vendorId: device.vendorId,
    productId: device.productId,
    collections: device.collections,
    opened: false,
    async open() {
      fake.opened = true;
    },
    async close() {
      fake.opened = false;
    },
    async forget() {
      fake.opened = false;
      localStorage.removeItem(GRANTED);
    },
    async sendReport(reportId: number, data: ArrayBuffer | ArrayBufferView) {
      if (!fake.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      state.sent.push({ reportId, data: [...bytes] });
    },
  });
  const hid = Object.assign(new EventTarget(), {
    async requestDevice(options: unknown) {
      if (!navigator.userActivation.isActive) throw new DOMException('Must be handling a user gesture to show a permission request.', 'SecurityError');
      state.requests.push(options);
      localStorage.setItem(GRANTED, '1');
      return [fake];
    },
    async getDevices() {
      return localStorage.getItem(GRANTED) ? [fake] : [];
    },
  });
  Object.defineProperty(Navigator.prototype, 'hid', { get: () => hid, configurable: true });
};

/** Puts the fake headset (or, with null, no WebHID at all) into every page of the context. */
export async function installFakeHid(context: BrowserContext, device: HeadsetFixture['device'] | null): Promise<void> {
  await context.addInitScript(INSTALL_FAKE_HID, device);
}

/** The headset sends an input report. */
export function pressHid(page: Page, reportId: number, bytes: number[]): Promise<void> {
  return page.evaluate(([id, data]) => (window as unknown as FakeHidWindow).__hid.input(id, data), [reportId, bytes] as const);
}

/** The last output report the app sent with this id. */
export function lastHidReport(page: Page, reportId: number): Promise<number[] | null> {
  return page.evaluate((id) => (window as unknown as FakeHidWindow).__hid.sent.filter((r) => r.reportId === id).at(-1)?.data ?? null, reportId);
}

/** The chooser's filters, as the app asked for them. */
export function hidRequests(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as FakeHidWindow).__hid.requests);
}
