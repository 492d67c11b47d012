import { EventEmitter } from 'node:events';
import type { AudioContextLike, AudioHelperLike, CallLike, DeviceFactory, DeviceLike, OutputDevicesLike } from '../types';

/** Test double for the SDK's Call: records what the controller asked of it. */
export class FakeCall extends EventEmitter implements CallLike {
  readonly parameters: Record<string, string>;
  readonly actions: string[] = [];
  digits = '';
  /** Each sendDigits call, as the SDK received it. */
  sentDigits: string[] = [];
  /** What getLocalStream and getRemoteStream give: set by tests that measure levels. */
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
  private muted = false;
  private state = 'pending';

  constructor(parameters: Record<string, string> = {}) {
    super();
    this.parameters = parameters;
  }
  accept(): void {
    this.actions.push('accept');
  }
  reject(): void {
    this.actions.push('reject');
    this.state = 'closed';
    this.emit('reject');
  }
  ignore(): void {
    this.actions.push('ignore');
    this.state = 'closed';
  }
  disconnect(): void {
    this.actions.push('disconnect');
    this.state = 'closed';
    this.emit('disconnect', this);
  }
  mute(shouldMute = true): void {
    this.muted = shouldMute;
    this.emit('mute', shouldMute, this);
  }
  isMuted(): boolean {
    return this.muted;
  }
  sendDigits(digits: string): void {
    this.digits += digits;
    this.sentDigits.push(digits);
  }
  status(): string {
    return this.state;
  }
  setStatus(state: string): void {
    this.state = state;
  }
  getLocalStream(): MediaStream | undefined {
    return this.localStream;
  }
  getRemoteStream(): MediaStream | undefined {
    return this.remoteStream;
  }
}

class FakeOutputs implements OutputDevicesLike {
  selected = new Set<string>(['default']);
  tested = 0;
  /** The sounds played through the speaker test, by URL (none for the default test sound). */
  played: string[] = [];
  get(): Set<MediaDeviceInfo> {
    return new Set([...this.selected].map((id) => ({ deviceId: id, label: id }) as MediaDeviceInfo));
  }
  async set(ids: string | string[]): Promise<void> {
    this.selected = new Set(Array.isArray(ids) ? ids : [ids]);
  }
  async test(soundUrl?: string): Promise<unknown> {
    this.tested++;
    if (soundUrl) this.played.push(soundUrl);
    return undefined;
  }
}

function info(deviceId: string, label: string, kind: MediaDeviceKind): MediaDeviceInfo {
  return { deviceId, label, kind, groupId: '', toJSON: () => ({}) } as MediaDeviceInfo;
}

export class FakeAudioHelper extends EventEmitter implements AudioHelperLike {
  availableInputDevices = new Map([
    ['default', info('default', 'Default microphone', 'audioinput')],
    ['headset-mic', info('headset-mic', 'Headset microphone', 'audioinput')],
  ]);
  availableOutputDevices = new Map([
    ['default', info('default', 'Default speaker', 'audiooutput')],
    ['headset', info('headset', 'Headset', 'audiooutput')],
  ]);
  inputDevice: MediaDeviceInfo | null = null;
  /** The open microphone: set by tests that measure levels. */
  inputStream: MediaStream | null = null;
  isOutputSelectionSupported = true;
  speakerDevices = new FakeOutputs();
  ringtoneDevices = new FakeOutputs();
  incomingEnabled = true;
  incoming(doEnable?: boolean): boolean {
    if (doEnable !== undefined) this.incomingEnabled = doEnable;
    return this.incomingEnabled;
  }
  async setInputDevice(deviceId: string): Promise<void> {
    this.inputDevice = this.availableInputDevices.get(deviceId) ?? null;
  }
  async unsetInputDevice(): Promise<void> {
    this.inputDevice = null;
  }
}

/** Test double for the SDK's Device: tests drive it by emitting the SDK's events. */
export class FakeDevice extends EventEmitter implements DeviceLike {
  state = 'unregistered';
  audio = new FakeAudioHelper();
  destroyed = false;
  tokens: string[] = [];
  connects: Array<Record<string, string> | undefined> = [];
  nextCall: FakeCall | null = null;
  connectError: unknown = null;
  registerCalls = 0;
  /** When false, register() leaves the device registering until the test emits. */
  autoRegister = true;
  /**
   * Then, like the SDK's, register() settles only once the test makes it registered (or unregistered);
   * by default it returns at once, so a test can sign in and drive the states afterwards.
   */
  registerWaits = false;
  /** Made on an AudioContext of its own (DeviceFactory). */
  freshAudio = false;

  constructor(
    token: string,
    readonly options: Record<string, unknown>,
  ) {
    super();
    this.tokens.push(token);
  }

  /**
   * What the SDK would have written to the browser's console: each error it reports, unless its log level
   * is 'silent'. An inspected console keeps those objects reachable, and with them what their stacks hold
   * (the closed WebSocket of a dropped connection, the Device it belonged to).
   */
  readonly consoleLog: unknown[] = [];

  /** An error as the SDK reports it: logged at level error, then emitted. */
  fail(error: unknown, call?: CallLike): void {
    if (this.options.logLevel !== 'silent') this.consoleLog.push(error);
    this.emit('error', error, call);
  }

  async register(): Promise<void> {
    this.registerCalls++;
    this.setState('registering');
    if (this.autoRegister) this.setState('registered');
    else if (this.registerWaits)
      await new Promise<void>((resolve, reject) => {
        const settle = (state: string) => () => {
          this.off('registered', registered);
          this.off('unregistered', unregistered);
          if (state === 'registered') resolve();
          else reject(new Error('unregistered'));
        };
        const registered = settle('registered');
        const unregistered = settle('unregistered');
        this.on('registered', registered);
        this.on('unregistered', unregistered);
      });
  }

  async connect(options?: { params?: Record<string, string> }): Promise<CallLike> {
    this.connects.push(options?.params);
    if (this.connectError) throw this.connectError;
    const call = this.nextCall ?? new FakeCall({});
    this.nextCall = null;
    return call;
  }

  updateToken(token: string): void {
    this.tokens.push(token);
  }

  destroy(): void {
    this.destroyed = true;
    this.state = 'destroyed';
    this.emit('destroyed');
  }

  setState(state: 'registering' | 'registered' | 'unregistered'): void {
    this.state = state;
    this.emit(state);
  }
}

/** A Device factory for tests that keeps every FakeDevice it made, newest last. */
export class FakeDevices {
  readonly all: FakeDevice[] = [];

  constructor(private readonly onCreate?: (device: FakeDevice) => void) {}

  create: DeviceFactory = async (token, options, how) => {
    const device = new FakeDevice(token, options);
    device.freshAudio = how?.freshAudio ?? false;
    this.all.push(device);
    this.onCreate?.(device);
    return device;
  };

  latest = (): FakeDevice => {
    const device = this.all[this.all.length - 1];
    if (!device) throw new Error('no device yet');
    return device;
  };
}

/** The SDK's shared AudioContext: its state, and the suspends and resumes asked of it. */
export class FakeAudioContext implements AudioContextLike {
  state = 'running';
  readonly changes: string[] = [];
  async suspend(): Promise<void> {
    this.state = 'suspended';
    this.changes.push('suspend');
  }
  async resume(): Promise<void> {
    this.state = 'running';
    this.changes.push('resume');
  }
}
