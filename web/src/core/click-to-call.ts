/**
 * "Call via my phone" in the browser: the user's personal number (kept on the server), the choice to dial
 * through it (kept in this browser), and the call in progress, moved on by the server's `click-to-call`
 * events. The server places the call; this only asks for it, shows how far it got, and can end it.
 */
import type { ClickToCallProgress } from '../../../contracts/api/click-to-call';
import type { Api } from './api';
import type { KeyValueStore } from './prefs';
import { messageOf } from './reasons';
import { ValueStore } from './value-store';

const KEY = 'softphone.viaMyPhone';

export interface ClickToCallView {
  /** undefined until loaded. */
  personalNumber: string | null | undefined;
  /** Dial through the personal number instead of this browser. */
  viaMyPhone: boolean;
  /** The newest call placed this way, until dismissed. */
  progress: ClickToCallProgress | null;
  /** Why the last request failed, in the server's words. */
  error: string | null;
}

export type ClickToCallApi = Pick<Api, 'personalNumber' | 'setPersonalNumber' | 'clickToCall' | 'hangUpClickToCall'>;

export class ClickToCall {
  readonly view: ValueStore<ClickToCallView>;

  constructor(
    private readonly api: ClickToCallApi,
    private readonly storage: KeyValueStore | undefined,
  ) {
    this.view = new ValueStore<ClickToCallView>({ personalNumber: undefined, viaMyPhone: this.storedChoice(), progress: null, error: null });
  }

  private storedChoice(): boolean {
    try {
      return this.storage?.getItem(KEY) === 'on';
    } catch {
      return false;
    }
  }

  private patch(change: Partial<ClickToCallView>): void {
    this.view.set({ ...this.view.get(), ...change });
  }

  /** Dialing goes through the personal number: chosen, and there is one. */
  get active(): boolean {
    const v = this.view.get();
    return v.viaMyPhone && typeof v.personalNumber === 'string';
  }

  async load(): Promise<void> {
    try {
      this.patch({ personalNumber: await this.api.personalNumber() });
    } catch {
      // Settings show the field empty; a save tells what is wrong.
      this.patch({ personalNumber: null });
    }
  }

  /** Keeps (or with '' forgets) the personal number; the server's sentence when it refuses. */
  async savePersonalNumber(raw: string): Promise<string | null> {
    try {
      const kept = await this.api.setPersonalNumber(raw.trim() === '' ? null : raw.trim());
      this.patch({ personalNumber: kept, ...(kept === null ? { viaMyPhone: false } : {}) });
      if (kept === null) this.saveChoice(false);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  setViaMyPhone(on: boolean): void {
    this.saveChoice(on);
    this.patch({ viaMyPhone: on });
  }

  private saveChoice(on: boolean): void {
    try {
      this.storage?.setItem(KEY, on ? 'on' : 'off');
    } catch {
      // Private mode: the choice holds for this session.
    }
  }

  async call(to: string): Promise<void> {
    this.patch({ error: null, progress: null });
    try {
      this.apply(await this.api.clickToCall(to));
    } catch (error) {
      this.patch({ error: messageOf(error) });
    }
  }

  async hangUp(): Promise<void> {
    const progress = this.view.get().progress;
    if (!progress || progress.stage === 'ended') return;
    try {
      await this.api.hangUpClickToCall(progress.callSid);
    } catch (error) {
      this.patch({ error: messageOf(error) });
    }
  }

  /** A step of a call: the one shown, or a newer one. A finished call's late steps change nothing. */
  apply(progress: ClickToCallProgress): void {
    const current = this.view.get().progress;
    if (current && current.callSid === progress.callSid && current.stage === 'ended') return;
    this.patch({ progress });
  }

  dismiss(): void {
    this.patch({ progress: null, error: null });
  }

  clear(): void {
    this.view.set({ personalNumber: undefined, viaMyPhone: this.storedChoice(), progress: null, error: null });
  }
}
