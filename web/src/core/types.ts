/**
 * The slice of the Voice SDK the phone core relies on. Declared structurally so the real
 * `Device`/`Call` satisfy it (checked in twilio-device.ts) and tests can supply a fake.
 */
export type Listener = (...args: any[]) => void;

export interface Emitter {
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

export interface CallLike extends Emitter {
  readonly parameters: Record<string, string>;
  /** The invite's custom parameters (TwiML <Client><Parameter>, or the REST call's). */
  readonly customParameters?: ReadonlyMap<string, string>;
  accept(): void;
  reject(): void;
  ignore(): void;
  disconnect(): void;
  mute(shouldMute?: boolean): void;
  isMuted(): boolean;
  sendDigits(digits: string): void;
  status(): string;
  /** The microphone's stream and the far end's, once the call has them. */
  getLocalStream?(): MediaStream | undefined;
  getRemoteStream?(): MediaStream | undefined;
}

export interface OutputDevicesLike {
  get(): Set<MediaDeviceInfo>;
  set(deviceIdOrIds: string | string[]): Promise<void>;
  test(soundUrl?: string): Promise<unknown>;
}

export interface AudioHelperLike extends Emitter {
  readonly availableInputDevices: Map<string, MediaDeviceInfo>;
  readonly availableOutputDevices: Map<string, MediaDeviceInfo>;
  readonly inputDevice: MediaDeviceInfo | null;
  /** The open microphone's stream (the preview's, or a call's), if any. */
  readonly inputStream?: MediaStream | null;
  readonly isOutputSelectionSupported: boolean;
  readonly speakerDevices: OutputDevicesLike;
  readonly ringtoneDevices: OutputDevicesLike;
  incoming(doEnable?: boolean): boolean;
  setInputDevice(deviceId: string): Promise<void>;
  unsetInputDevice(): Promise<void>;
}

export interface DeviceLike extends Emitter {
  readonly state: string;
  readonly audio: AudioHelperLike | null;
  register(): Promise<void>;
  connect(options?: { params?: Record<string, string> }): Promise<CallLike>;
  updateToken(token: string): void;
  destroy(): void;
}

export type DeviceOptions = Record<string, unknown>;

/**
 * The Voice SDK's AudioContext (`Device.audioContext`), shared by the calls of the Device in use: it
 * measures the call's levels and plays key tones. A running context keeps every MediaStreamAudioSourceNode
 * made on it alive (Chromium), and the SDK makes new ones per call; suspended, they can be collected, but
 * their native sinks stay until the context is closed (sdk-audio-contexts.ts).
 */
export interface AudioContextLike {
  readonly state: string;
  suspend(): Promise<void>;
  resume(): Promise<void>;
}

/**
 * Creates the one Device; the real one loads the SDK lazily, tests pass a fake. `freshAudio`: on an
 * AudioContext of its own, the one before closed once its Device is destroyed (sdk-audio-contexts.ts).
 */
export type DeviceFactory = (token: string, options: DeviceOptions, how?: { freshAudio?: boolean }) => Promise<DeviceLike>;

// The HTTP API's shapes come from its contracts (contracts/api/), type-only so no schema code is bundled.
/** GET /api/config. */
export type AppConfig = import('../../../contracts/api').PublicConfig;
export type { Session, TokenGrant } from '../../../contracts/api';
