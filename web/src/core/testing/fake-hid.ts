import type { HidConnectionEvent, HidDeviceLike, HidInputReport, HidPort } from '../hid-port';
import type { HeadsetFixture } from './headsets';

/** A headset built from a real device's collections: records what the app sends, emits what a test presses. */
export class FakeHidDevice implements HidDeviceLike {
  readonly productName: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly collections: HeadsetFixture['device']['collections'];
  opened = false;
  forgotten = false;
  openError: Error | null = null;
  readonly sent: Array<{ reportId: number; data: number[] }> = [];
  private readonly listeners = new Set<(event: HidInputReport) => void>();

  constructor(fixture: HeadsetFixture) {
    ({ productName: this.productName, vendorId: this.vendorId, productId: this.productId, collections: this.collections } = fixture.device);
  }

  async open(): Promise<void> {
    if (this.openError) throw this.openError;
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }
  async forget(): Promise<void> {
    this.forgotten = true;
    this.opened = false;
  }
  async sendReport(reportId: number, data: BufferSource): Promise<void> {
    if (!this.opened) throw new Error('The device must be opened first.');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer);
    this.sent.push({ reportId, data: [...bytes] });
  }
  addEventListener(_type: 'inputreport', listener: (event: HidInputReport) => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'inputreport', listener: (event: HidInputReport) => void): void {
    this.listeners.delete(listener);
  }
  /** The device sends an input report. */
  input(reportId: number, bytes: number[]): void {
    const data = new DataView(new Uint8Array(bytes).buffer);
    this.listeners.forEach((l) => l({ reportId, data }));
  }
  /** The latest data sent for a report id. */
  last(reportId: number): number[] | undefined {
    return this.sent.filter((s) => s.reportId === reportId).at(-1)?.data;
  }
}

/** navigator.hid with a chooser that picks `choose`, and granted devices that survive a "reload". */
export class FakeHid implements HidPort {
  readonly granted = new Set<FakeHidDevice>();
  readonly plugged = new Set<FakeHidDevice>();
  choose: FakeHidDevice | null = null;
  requests: Array<{ filters: Array<{ usagePage?: number }> }> = [];
  private readonly listeners = { connect: new Set<(e: HidConnectionEvent) => void>(), disconnect: new Set<(e: HidConnectionEvent) => void>() };

  async requestDevice(options: { filters: Array<{ usagePage?: number }> }): Promise<FakeHidDevice[]> {
    this.requests.push(options);
    const device = this.choose;
    if (!device) return [];
    this.granted.add(device);
    return [device];
  }
  async getDevices(): Promise<FakeHidDevice[]> {
    return [...this.granted].filter((d) => this.plugged.has(d) && !d.forgotten);
  }
  addEventListener(type: 'connect' | 'disconnect', listener: (e: HidConnectionEvent) => void): void {
    this.listeners[type].add(listener);
  }
  removeEventListener(type: 'connect' | 'disconnect', listener: (e: HidConnectionEvent) => void): void {
    this.listeners[type].delete(listener);
  }
  plug(device: FakeHidDevice): void {
    this.plugged.add(device);
    if (this.granted.has(device)) this.listeners.connect.forEach((l) => l({ device }));
  }
  unplug(device: FakeHidDevice): void {
    this.plugged.delete(device);
    device.opened = false;
    if (this.granted.has(device)) this.listeners.disconnect.forEach((l) => l({ device }));
  }
}
