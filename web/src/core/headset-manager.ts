/**
 * Connecting a headset: choosing one (a user gesture: `requestDevice` filtered on the Telephony usage
 * page), reconnecting a granted one on later visits (`getDevices`) and when it is plugged back in
 * (`connect` events), forgetting it, and telling the settings screen and the device log what happened.
 * Loaded only when someone has or wants a headset (headset-loader.ts).
 */
import { HeadsetFocus } from './headset-focus';
import { Headset, type HeadsetFocusLike, type HeadsetHooks, type HeadsetPhone } from './headset';
import { describeDevice, type HidConnectionEvent, type HidDeviceLike, type HidPort } from './hid-port';
import { BUTTONS, findHeadsetLayout, isUsableHeadset, LIGHTS, TELEPHONY_PAGE, type HeadsetButton, type HeadsetLight } from './hid-usages';
import type { TabEnv } from './tabs';

export type HeadsetState =
  | { kind: 'none' }
  | { kind: 'connecting' }
  | { kind: 'connected'; name: string; buttons: HeadsetButton[]; lights: HeadsetLight[] }
  /** The chosen device has no hook switch or phone mute to read. */
  | { kind: 'notHeadset'; name: string }
  /** It could not be opened (another program holds it, or it was unplugged meanwhile). */
  | { kind: 'failed'; detail: string };

export interface HeadsetManagerDeps {
  hid: HidPort;
  phone: HeadsetPhone;
  tabs: TabEnv;
  hooks?: HeadsetHooks;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class HeadsetManager {
  private state: HeadsetState = { kind: 'none' };
  private readonly listeners = new Set<() => void>();
  private headset: Headset | null = null;
  private focus: HeadsetFocus | null = null;
  private identity: string | null = null;
  private readonly tabId = Math.random().toString(36).slice(2);
  private readonly unsubscribePhone: () => void;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HeadsetManagerDeps) {
    deps.hid.addEventListener('connect', this.onConnect);
    deps.hid.addEventListener('disconnect', this.onDisconnect);
    this.unsubscribePhone = deps.phone.subscribe(this.followIdentity);
    this.followIdentity();
  }

  getState = (): HeadsetState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Must run from a user gesture (a click): the browser shows its device chooser. */
  async connect(): Promise<void> {
    let chosen: HidDeviceLike[];
    try {
      chosen = await this.deps.hid.requestDevice({ filters: [{ usagePage: TELEPHONY_PAGE }] });
    } catch (error) {
      this.deps.phone.log.add(`Headset: the chooser failed (${message(error)})`);
      this.set({ kind: 'failed', detail: message(error) });
      return;
    }
    if (chosen.length === 0) return; // Cancelled: nothing changes.
    await this.serially(() => this.attachFirst(chosen, true));
  }

  /** Reconnects a headset granted on an earlier visit, if one is plugged in. */
  restore(): Promise<void> {
    return this.serially(async () => {
      if (this.headset) return;
      const granted = await this.deps.hid.getDevices().catch(() => [] as HidDeviceLike[]);
      await this.attachFirst(granted, false);
    });
  }

  /** Turns the lights off, closes the headset and forgets the permission. */
  disconnect(): Promise<void> {
    return this.serially(async () => {
      const headset = this.headset;
      if (!headset) return;
      this.headset = null;
      await headset.stop(true);
      await headset.device.close().catch(() => undefined);
      await headset.device.forget?.().catch(() => undefined);
      this.deps.phone.log.add(`Headset disconnected: ${describeDevice(headset.device)}`);
      this.set({ kind: 'none' });
    });
  }

  dispose(): void {
    this.deps.hid.removeEventListener('connect', this.onConnect);
    this.deps.hid.removeEventListener('disconnect', this.onDisconnect);
    this.unsubscribePhone();
    void this.headset?.stop(true);
    this.headset = null;
    this.focus?.close();
    this.focus = null;
  }

  private async attachFirst(devices: HidDeviceLike[], chosenNow: boolean): Promise<void> {
    if (this.headset) {
      if (!chosenNow) return;
      // Choosing another headset replaces the one in use.
      const old = this.headset;
      this.headset = null;
      await old.stop(true);
      await old.device.close().catch(() => undefined);
    }
    const candidates = devices.filter((d) => d.collections.some((c) => c.usagePage === TELEPHONY_PAGE));
    const device = candidates.find((d) => isUsableHeadset(findHeadsetLayout(d.collections)));
    if (!device) {
      if (chosenNow && devices[0]) {
        this.deps.phone.log.add(`Headset: ${describeDevice(devices[0])} has no call buttons this phone can read`);
        this.set({ kind: 'notHeadset', name: devices[0].productName });
      }
      return;
    }
    this.set({ kind: 'connecting' });
    try {
      if (!device.opened) await device.open();
    } catch (error) {
      this.deps.phone.log.add(`Headset: could not open ${describeDevice(device)} (${message(error)})`);
      this.set({ kind: 'failed', detail: message(error) });
      return;
    }
    const layout = findHeadsetLayout(device.collections);
    const headset = new Headset(device, layout, this.deps.phone, this.focusProxy, this.deps.hooks);
    this.headset = headset;
    const buttons = BUTTONS.filter((b) => layout.buttons[b]);
    const lights = LIGHTS.filter((l) => layout.lights[l]);
    this.deps.phone.log.add(
      `Headset connected: ${describeDevice(device)}; buttons: ${buttons.join(', ') || 'none'}; lights: ${lights.join(', ') || 'none'}`,
    );
    headset.start();
    this.set({ kind: 'connected', name: device.productName || describeDevice(device), buttons, lights });
  }

  /** The headset's view of the focus, which is replaced when another person signs in. */
  private readonly focusProxy: HeadsetFocusLike = ((manager: HeadsetManager) => ({
    get otherTabHoldsCall(): boolean {
      return manager.focus?.otherTabHoldsCall ?? false;
    },
    setHoldingCall: (holding: boolean) => manager.focus?.setHoldingCall(holding),
  }))(this);

  /** The tabs to coordinate with are the signed-in person's: a new identity gets a new focus. */
  private followIdentity = (): void => {
    const identity = this.deps.phone.getSnapshot().user?.identity ?? null;
    if (identity === this.identity) return;
    this.identity = identity;
    this.focus?.close();
    this.focus = identity ? new HeadsetFocus(`softphone:${identity}`, this.tabId, this.deps.tabs, () => this.headset?.refocus()) : null;
    this.headset?.refocus();
  };

  private onConnect = (event: HidConnectionEvent): void => {
    if (!this.headset && event.device.collections.some((c) => c.usagePage === TELEPHONY_PAGE)) void this.restore();
  };

  private onDisconnect = (event: HidConnectionEvent): void => {
    const headset = this.headset;
    if (!headset || event.device !== headset.device) return;
    this.headset = null;
    void headset.stop(false);
    this.deps.phone.log.add(`Headset unplugged: ${describeDevice(event.device)}`);
    this.set({ kind: 'none' });
  };

  private serially(task: () => Promise<void>): Promise<void> {
    const next = this.busy.then(task, task);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private set(state: HeadsetState): void {
    this.state = state;
    this.listeners.forEach((l) => l());
  }
}
