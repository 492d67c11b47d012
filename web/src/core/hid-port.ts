/**
 * The WebHID port: the slice of `navigator.hid` and `HIDDevice` the headset code uses, declared
 * structurally so the browser's objects satisfy it and tests pass a fake (testing/fake-hid.ts).
 */
import type { HidCollectionLike } from './hid-usages';

export interface HidInputReport {
  reportId: number;
  data: DataView;
}

export interface HidDeviceLike {
  readonly productName: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly collections: readonly HidCollectionLike[];
  readonly opened: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Revokes the permission (Chromium 100+). */
  forget?(): Promise<void>;
  sendReport(reportId: number, data: BufferSource): Promise<void>;
  addEventListener(type: 'inputreport', listener: (event: HidInputReport) => void): void;
  removeEventListener(type: 'inputreport', listener: (event: HidInputReport) => void): void;
}

export interface HidConnectionEvent {
  device: HidDeviceLike;
}

export interface HidPort {
  requestDevice(options: { filters: Array<{ usagePage?: number; usage?: number }> }): Promise<HidDeviceLike[]>;
  getDevices(): Promise<HidDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: HidConnectionEvent) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: HidConnectionEvent) => void): void;
}

/** `navigator.hid` where the browser has WebHID (Chromium-based, secure origin), else null. */
export function browserHid(): HidPort | null {
  if (typeof navigator === 'undefined') return null;
  return ((navigator as Navigator & { hid?: HidPort }).hid ?? null) as HidPort | null;
}

/** A short name for the log: "Jabra Evolve2 65 (0b0e:030c)". */
export function describeDevice(device: Pick<HidDeviceLike, 'productName' | 'vendorId' | 'productId'>): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `${device.productName || 'Headset'} (${hex(device.vendorId)}:${hex(device.productId)})`;
}
