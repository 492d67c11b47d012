/**
 * A connected headset's call buttons and lights, driven from the phone's snapshot the way the UI is:
 * lights follow the state (ring while a call rings, off-hook during a call, mute with the call's mute,
 * all off when it ends), and a button press calls the same controller methods a click would.
 *
 * The app's state is the truth. After every press the lights are sent again, whatever the press did:
 * headsets keep a hook and mute state of their own (some toggle it on every press, some report an
 * absolute state), and a device whose lights were not corrected reports the wrong state next time.
 */
import type { HidDeviceLike, HidInputReport } from './hid-port';
import { decodeButtons, encodeLights, LIGHTS_OFF, type HeadsetButton, type HeadsetLayout, type LightState } from './hid-usages';
import type { PhoneSnapshot } from './snapshot';
import { isInCallState, type PhoneState, type Status } from './state';

/** What the headset needs of the phone: the controller satisfies it. */
export interface HeadsetPhone {
  getSnapshot(): PhoneSnapshot;
  subscribe(listener: () => void): () => void;
  accept(): Promise<void>;
  hangUp(): void;
  toggleMute(): void;
  dial(target: string): Promise<void>;
  readonly log: { add(text: string): void };
}

/** What Flash does during a call: hold or resume it, or swap to the parked call (call-actions.ts `holdOrResume`). */
export interface HeadsetHooks {
  holdOrSwap?: () => void;
}

/** Which tab acts on the headset (headset-focus.ts). */
export interface HeadsetFocusLike {
  readonly otherTabHoldsCall: boolean;
  setHoldingCall(holding: boolean): void;
}

/** The call states in which this tab holds a call: everything but ringing here. */
export function holdsCall(status: Status): boolean {
  return isInCallState(status) && status !== 'incoming';
}

/** Whether this tab drives the headset: the tab with a call, else the ringer's tab (the leader). */
export function drivesHeadset(snapshot: Pick<PhoneSnapshot, 'phone' | 'leader'>, otherTabHoldsCall: boolean): boolean {
  return holdsCall(snapshot.phone.status) || (!otherTabHoldsCall && snapshot.leader);
}

/** The lights for a phone state. */
export function lightsFor(phone: PhoneState): LightState {
  const offHook = holdsCall(phone.status);
  return {
    offHook,
    ring: phone.status === 'incoming',
    mute: offHook && phone.call?.muted === true,
    // A call this person holds: the one in focus, or the other one of two.
    hold: offHook && (phone.call?.control?.held === true || phone.background !== null),
  };
}

export type HeadsetAction = 'accept' | 'hangUp' | 'toggleMute' | 'holdOrSwap' | 'redial';

/**
 * What one button's new value asks for. Relative buttons act on the press (0 → non-zero). Absolute ones
 * report a state and act only when it changed and differs from the phone's: off hook while ringing
 * answers, on hook during a call hangs up, a mute state unlike the call's toggles it.
 */
export function decideButton(
  button: HeadsetButton,
  value: number,
  previous: number | undefined,
  absolute: boolean,
  phone: Pick<PhoneState, 'status' | 'call'>,
): HeadsetAction | null {
  const down = value !== 0;
  // Before the first report a control counts as up (on hook, not muted).
  const before = (previous ?? 0) !== 0;
  if (before === down || (!absolute && !down)) return null;
  const { status } = phone;
  switch (button) {
    case 'hookSwitch':
      if (!absolute) return status === 'incoming' ? 'accept' : holdsCall(status) ? 'hangUp' : null;
      if (down) return status === 'incoming' ? 'accept' : null;
      return holdsCall(status) ? 'hangUp' : null;
    case 'phoneMute':
      if (status !== 'inCall' && status !== 'reconnecting') return null;
      if (absolute && down === (phone.call?.muted === true)) return null;
      return 'toggleMute';
    case 'flash':
      return absolute && !down ? null : holdsCall(status) ? 'holdOrSwap' : null;
    case 'redial':
      return absolute && !down ? null : status === 'ready' ? 'redial' : null;
  }
}

const BUTTON_NAMES: Record<HeadsetButton, [string, string]> = {
  hookSwitch: ['hook switch off hook', 'hook switch on hook'],
  phoneMute: ['mute pressed', 'mute released'],
  flash: ['flash pressed', 'flash released'],
  redial: ['redial pressed', 'redial released'],
};

const sameLights = (a: LightState | null, b: LightState) =>
  a !== null && a.offHook === b.offHook && a.ring === b.ring && a.mute === b.mute && a.hold === b.hold;

export function describeLights(lights: LightState): string {
  const on = (Object.keys(lights) as Array<keyof LightState>).filter((k) => lights[k]);
  return on.length ? on.map((l) => ({ offHook: 'off-hook', ring: 'ring', mute: 'mute', hold: 'hold' })[l]).join(', ') : 'off';
}

/** One open headset bound to the phone. */
export class Headset {
  private readonly values: Partial<Record<HeadsetButton, number>> = {};
  private sent: LightState | null = null;
  private lastDialled: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly device: HidDeviceLike,
    private readonly layout: HeadsetLayout,
    private readonly phone: HeadsetPhone,
    private readonly focus: HeadsetFocusLike,
    private readonly hooks: HeadsetHooks = {},
  ) {}

  start(): void {
    this.device.addEventListener('inputreport', this.onInput);
    this.unsubscribe = this.phone.subscribe(this.sync);
    this.sync();
  }

  /** Stops listening; with `lightsOff`, turns the lights off first (a device still plugged in). */
  async stop(lightsOff: boolean): Promise<void> {
    this.device.removeEventListener('inputreport', this.onInput);
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (lightsOff && this.sent && !sameLights(this.sent, LIGHTS_OFF)) this.send(LIGHTS_OFF);
    await this.queue;
  }

  /** The focus changed (another tab took or released a call): re-evaluate. */
  refocus = (): void => {
    this.sent = null;
    this.sync();
  };

  private sync = (): void => {
    const snapshot = this.phone.getSnapshot();
    const { phone } = snapshot;
    this.focus.setHoldingCall(holdsCall(phone.status));
    if (phone.status === 'dialing' && phone.call) this.lastDialled = phone.call.peer;
    if (!drivesHeadset(snapshot, this.focus.otherTabHoldsCall)) return;
    const lights = lightsFor(phone);
    if (!sameLights(this.sent, lights)) this.send(lights);
  };

  private onInput = (event: HidInputReport): void => {
    const buttons = decodeButtons(this.layout, event.reportId, event.data);
    const snapshot = this.phone.getSnapshot();
    const active = drivesHeadset(snapshot, this.focus.otherTabHoldsCall);
    let pressed = false;
    for (const [button, value] of Object.entries(buttons) as Array<[HeadsetButton, number]>) {
      const previous = this.values[button];
      this.values[button] = value;
      if (previous === value || (previous === undefined && value === 0)) continue;
      pressed = true;
      if (!active) continue;
      this.phone.log.add(`Headset: ${BUTTON_NAMES[button][value ? 0 : 1]}`);
      const field = this.layout.buttons[button]!;
      const action = decideButton(button, value, previous, field.absolute, this.phone.getSnapshot().phone);
      if (action) this.act(action);
    }
    // Echo the lights after every press, changed or not, so a device that toggled itself is corrected.
    if (pressed && active) this.send(lightsFor(this.phone.getSnapshot().phone), true);
  };

  private act(action: HeadsetAction): void {
    const { phone } = this;
    switch (action) {
      case 'accept':
        phone.log.add('Headset: answering');
        void phone.accept();
        break;
      case 'hangUp':
        phone.log.add('Headset: hanging up');
        phone.hangUp();
        break;
      case 'toggleMute':
        phone.toggleMute();
        break;
      case 'holdOrSwap':
        if (this.hooks.holdOrSwap) this.hooks.holdOrSwap();
        else phone.log.add('Headset: flash ignored (this phone cannot hold calls yet)');
        break;
      case 'redial':
        if (this.lastDialled) {
          phone.log.add(`Headset: redialling ${this.lastDialled}`);
          void phone.dial(this.lastDialled);
        } else phone.log.add('Headset: nothing to redial yet');
        break;
    }
  }

  private send(lights: LightState, echo = false): void {
    const changed = !sameLights(this.sent, lights);
    this.sent = lights;
    if (changed && !echo) this.phone.log.add(`Headset lights: ${describeLights(lights)}`);
    const reports = encodeLights(this.layout, lights);
    // Reports go out one at a time and in order; a failed write is logged, never thrown at the phone.
    this.queue = this.queue.then(async () => {
      for (const { reportId, data } of reports) {
        try {
          await this.device.sendReport(reportId, data);
        } catch (error) {
          this.phone.log.add(`Headset: could not set the lights (${error instanceof Error ? error.message : String(error)})`);
          return;
        }
      }
    });
  }
}
