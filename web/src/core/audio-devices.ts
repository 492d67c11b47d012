import type { LevelFeed } from './levels';
import type { LogStore } from './log';
import { loadAudioPrefs, saveAudioPrefs, type AudioPrefs, type KeyValueStore } from './prefs';
import { describeError } from './reasons';
import type { AudioContextLike, AudioHelperLike, DeviceLike } from './types';

export interface AudioDeviceOption {
  id: string;
  label: string;
}

export interface AudioDevices {
  inputs: AudioDeviceOption[];
  outputs: AudioDeviceOption[];
  outputSelectionSupported: boolean;
  prefs: AudioPrefs;
}

/** What the audio devices need from the phone around them. */
export interface AudioHost {
  readonly log: LogStore;
  readonly storage: KeyValueStore | undefined;
  /** Where the preview's SDK levels go; null when levels are measured off the main thread (level-taps.ts). */
  readonly levels: LevelFeed | null;
  /** The Device in use, if any: its audio helper is where choices are applied. */
  device(): DeviceLike | null;
  /** The SDK's shared AudioContext, if it has made one. */
  audioContext(): AudioContextLike | null;
  /** Whether this tab plays the ringtone (only the leader tab does). */
  rings(): boolean;
  /** A call holds the microphone. */
  inCall(): boolean;
  deviceLost(label: string): void;
  /** The list of devices or the selection changed. */
  changed(): void;
}

/**
 * The person's audio devices: the chosen microphone, speaker and ringtone output (remembered
 * across reloads), the settings page's microphone preview and test sound, and the fall-back to the
 * system default when a device in use is unplugged. The microphone is open only during a call or
 * a preview, and the SDK's AudioContext runs only then too: suspended between calls it costs no audio
 * thread time, and the audio nodes the SDK made for ended calls can be collected (a running context
 * keeps them all). Sounds (ringtones, the test sound) play through audio elements, not that context.
 */
export class AudioDeviceControl {
  private prefs: AudioPrefs;
  private previewing = false;

  constructor(private readonly host: AudioHost) {
    this.prefs = loadAudioPrefs(host.storage);
  }

  /** Wires a Device that goes into use and applies the remembered choices; returns the unwiring. */
  attach(device: DeviceLike): () => void {
    const audio = device.audio;
    const onDeviceChange = (lost: MediaDeviceInfo[] = []) => this.onDeviceChange(lost);
    audio?.on('deviceChange', onDeviceChange);
    if (audio) this.applyPrefs(audio);
    this.rest();
    return () => {
      audio?.removeListener('deviceChange', onDeviceChange);
      audio?.removeListener('inputVolume', this.onInputVolume);
    };
  }

  list(): AudioDevices {
    const audio = this.host.device()?.audio;
    const list = (map: Map<string, MediaDeviceInfo> | undefined) =>
      map ? [...map.values()].map((d) => ({ id: d.deviceId, label: d.label })) : [];
    return {
      inputs: list(audio?.availableInputDevices),
      outputs: list(audio?.availableOutputDevices),
      outputSelectionSupported: !!audio?.isOutputSelectionSupported,
      prefs: this.prefs,
    };
  }

  async choose(kind: keyof AudioPrefs, deviceId: string): Promise<void> {
    this.prefs = { ...this.prefs, [kind]: deviceId };
    saveAudioPrefs(this.host.storage, this.prefs);
    this.host.log.add(`Audio ${kind} device: ${deviceId || 'default'}`);
    const audio = this.host.device()?.audio;
    try {
      if (kind === 'speaker') await audio?.speakerDevices.set(deviceId || 'default');
      if (kind === 'ringtone') await audio?.ringtoneDevices.set(deviceId || 'default');
      if (kind === 'input' && (this.previewing || this.host.inCall())) await audio?.setInputDevice(deviceId || 'default');
    } catch (error) {
      this.host.log.add(`Could not use that ${kind} device: ${describeError(error)}`);
    }
    this.host.changed();
  }

  async testSpeaker(): Promise<void> {
    try {
      await this.host.device()?.audio?.speakerDevices.test();
    } catch (error) {
      this.host.log.add(`Speaker test failed: ${describeError(error)}`);
    }
  }

  /**
   * Call waiting's beep, in the speaker the call plays on (the SDK's speaker test plays any sound there).
   * Only the tab with the call plays it (busy-tabs.ts); its Device plays no ringtone during a call.
   */
  async waitingTone(): Promise<void> {
    try {
      await this.host.device()?.audio?.speakerDevices.test('/sounds/waiting.wav');
    } catch (error) {
      this.host.log.add(`Call waiting tone failed: ${describeError(error)}`);
    }
  }

  /** Opens the chosen microphone so the settings meter can show its level. */
  async startPreview(): Promise<void> {
    const audio = this.host.device()?.audio;
    if (!audio) return;
    this.previewing = true;
    this.wake();
    // The SDK polls the microphone on every animation frame while anyone listens: only for its levels.
    if (this.host.levels) audio.on('inputVolume', this.onInputVolume);
    try {
      await audio.setInputDevice(this.prefs.input || 'default');
      this.host.changed();
    } catch (error) {
      this.host.log.add(`Microphone unavailable: ${describeError(error)}`);
      throw error;
    }
  }

  /** The settings' microphone preview is open. */
  get previewOpen(): boolean {
    return this.previewing;
  }

  /** The microphone the preview opened, for meters that measure it themselves; null when not previewing. */
  previewStream(): MediaStream | null {
    return this.previewing ? (this.host.device()?.audio?.inputStream ?? null) : null;
  }

  async stopPreview(): Promise<void> {
    const audio = this.host.device()?.audio;
    this.previewing = false;
    if (!audio) return;
    audio.removeListener('inputVolume', this.onInputVolume);
    // Keep the microphone closed between calls; it is opened again for the next call.
    if (!this.host.inCall()) {
      this.rest();
      await audio.unsetInputDevice().catch(() => undefined);
    }
  }

  /** Before a call takes the microphone: the chosen one if it is plugged in, else the SDK's default. */
  async useChosenInput(): Promise<void> {
    const audio = this.host.device()?.audio;
    if (!audio || !this.prefs.input) return;
    if (!audio.availableInputDevices.has(this.prefs.input)) return;
    await audio.setInputDevice(this.prefs.input).catch((error: unknown) => {
      this.host.log.add(`Chosen microphone unavailable, using the default: ${describeError(error)}`);
    });
  }

  /** After the last call: closes the microphone unless the settings preview is using it. */
  releaseInput(): void {
    if (this.previewing) return;
    this.rest();
    void this.host.device()?.audio?.unsetInputDevice().catch(() => undefined);
  }

  /**
   * Before a call or the preview: the AudioContext runs again. Called from the click that starts it;
   * not awaited, since a browser may hold the promise until the page is clicked (call audio plays
   * through an audio element and does not depend on it; only the meters would stay still).
   */
  wake(): void {
    const context = this.host.audioContext();
    if (context && context.state === 'suspended') void context.resume().catch(() => undefined);
  }

  /** Nothing to measure: suspend the AudioContext (see the class comment). */
  private rest(): void {
    const context = this.host.audioContext();
    if (context && context.state === 'running' && !this.previewing && !this.host.inCall()) void context.suspend().catch(() => undefined);
  }

  /** Only the leader tab plays the ringtone. */
  ring(enabled: boolean): void {
    this.host.device()?.audio?.incoming(enabled);
  }

  /** Sign-out: the Device (and with it the microphone) is gone. */
  reset(): void {
    this.previewing = false;
  }

  private applyPrefs(audio: AudioHelperLike): void {
    audio.incoming(this.host.rings());
    const { speaker, ringtone } = this.prefs;
    if (audio.isOutputSelectionSupported) {
      if (speaker && audio.availableOutputDevices.has(speaker)) audio.speakerDevices.set(speaker).catch(() => undefined);
      if (ringtone && audio.availableOutputDevices.has(ringtone)) audio.ringtoneDevices.set(ringtone).catch(() => undefined);
    }
  }

  private onDeviceChange(lost: MediaDeviceInfo[]): void {
    if (lost.length > 0) {
      const label = lost.map((d) => d.label || d.deviceId).join(', ');
      this.host.log.add(`Audio device removed: ${label}; using the default`);
      this.host.deviceLost(label);
    }
    // A remembered device that comes back is used again.
    const audio = this.host.device()?.audio;
    if (audio) this.applyPrefs(audio);
    this.host.changed();
  }

  private onInputVolume = (volume: number): void => {
    this.host.levels?.emit(volume, 0);
  };
}
