import { ApiError, type Api } from './api';
import type { NotificationHandle, NotificationPermissionState, PhoneEnv } from './env';
import { LogStore } from './log';
import { loadAudioPrefs, saveAudioPrefs, type AudioPrefs } from './prefs';
import { errorCode, isTokenExpiry, isTokenInvalid, reasonFromError, type Reason } from './reasons';
import { initialState, isInCallState, reduce, type PhoneEvent, type PhoneState } from './state';
import { TabCoordinator, type TabMessage } from './tabs';
import type { AppConfig, CallLike, DeviceFactory, DeviceLike, DeviceOptions, Listener, Session } from './types';

/** Something to tell the person that is not a failure of the phone itself. */
export type Notice =
  | { kind: 'deviceLost'; label: string }
  | { kind: 'handledElsewhere'; decision: 'answered' | 'rejected' | 'ignored' }
  | { kind: 'tokenRefreshFailed' }
  | { kind: 'connectionTrouble' };

export interface PhoneSnapshot {
  phone: PhoneState;
  /** True until the first session check has answered. */
  booting: boolean;
  user: Session | null;
  config: AppConfig | null;
  /** The server could not be reached or answered nonsense at start-up. */
  startError: string | null;
  leader: boolean;
  notice: Notice | null;
  notifications: NotificationPermissionState;
  /** Bumped when the list of audio devices or the selection changes. */
  audioVersion: number;
}

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

export interface NotificationTexts {
  incomingTitle(peer: string): string;
  incomingBody(peer: string): string;
}

export interface PhoneDeps {
  api: Api;
  createDevice: DeviceFactory;
  env: PhoneEnv;
  texts?: NotificationTexts;
}

type VolumeListener = (input: number, output: number) => void;

const REREGISTER_DELAY_MS = 5_000;
const TOKEN_RETRY_MS = 10_000;
/** The SDK plays each tone for 160 ms with a gap after it; a little slack on top. */
const DTMF_MS_PER_DIGIT = 250;

/**
 * Owns the one Device and the call in progress, turns SDK events into state-machine events, and
 * exposes plain methods and a snapshot for any UI. Nothing here knows about React.
 */
export class PhoneController {
  readonly log: LogStore;
  private snapshot: PhoneSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly volumeListeners = new Set<VolumeListener>();
  private device: DeviceLike | null = null;
  private call: CallLike | null = null;
  private callCleanup: (() => void) | null = null;
  private deviceCleanup: (() => void) | null = null;
  private tabs: TabCoordinator | null = null;
  private readonly envCleanup: Array<() => void> = [];
  private notification: NotificationHandle | null = null;
  private prefs: AudioPrefs;
  private nextCallId = 1;
  private signingOut = false;
  private reregisterTimer: unknown = null;
  private tokenRetryTimer: unknown = null;
  private previewing = false;
  private generation = 0;
  private dtmfQueue = '';
  private dtmfTimer: unknown = null;

  constructor(private readonly deps: PhoneDeps) {
    this.log = new LogStore(500, deps.env.now);
    this.prefs = loadAudioPrefs(deps.env.storage);
    this.snapshot = {
      phone: initialState,
      booting: true,
      user: null,
      config: null,
      startError: null,
      leader: false,
      notice: null,
      notifications: deps.env.notificationPermission(),
      audioVersion: 0,
    };
  }

  /** The clock call timers are measured with. */
  now = (): number => this.deps.env.now();

  // ---- store interface (useSyncExternalStore) ----

  getSnapshot = (): PhoneSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Call audio levels (0..1) as they arrive; for meters that draw without React. */
  onVolume(listener: VolumeListener): () => void {
    this.volumeListeners.add(listener);
    return () => this.volumeListeners.delete(listener);
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    const { env } = this.deps;
    this.envCleanup.push(
      env.listen('window', 'online', () => {
        this.log.add('Network is back');
        void this.ensureRegistered('online');
      }),
      env.listen('window', 'offline', () => this.log.add('Network lost')),
      env.listen('document', 'visibilitychange', () => {
        if (!env.isHidden()) void this.ensureRegistered('visible');
      }),
      // Page lifecycle: a frozen tab may hold a registration the gateway has long forgotten.
      env.listen('document', 'resume', () => {
        this.log.add('Tab resumed');
        void this.ensureRegistered('resume');
      }),
    );
    try {
      const [config, session] = await Promise.all([this.deps.api.config(), this.deps.api.session()]);
      this.update({ config, booting: false });
      if (session) await this.boot(session);
    } catch (error) {
      this.update({ booting: false, startError: messageOf(error) });
    }
  }

  /** Returns an error sentence for the sign-in form, or null on success. */
  async signIn(username: string, password: string): Promise<string | null> {
    try {
      if (!this.snapshot.config) this.update({ config: await this.deps.api.config(), startError: null });
      const session = await this.deps.api.signIn(username, password);
      await this.boot(session);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  async signOut(): Promise<void> {
    this.log.add('Signing out');
    this.teardown();
    this.dispatch({ type: 'signedOut' });
    try {
      await this.deps.api.signOut();
    } catch (error) {
      this.log.add(`Sign-out request failed: ${messageOf(error)}`);
    }
  }

  /** Stops everything; for page unload and tests. */
  dispose(): void {
    this.teardown();
    this.envCleanup.splice(0).forEach((off) => off());
  }

  async retry(): Promise<void> {
    if (this.snapshot.phone.status !== 'error' || !this.snapshot.user) return;
    const user = this.snapshot.user;
    this.teardown();
    this.dispatch({ type: 'signedOut' });
    await this.boot(user);
  }

  // ---- calls ----

  async dial(target: string): Promise<void> {
    const device = this.device;
    if (!device || this.snapshot.phone.status !== 'ready') return;
    const id = this.newCallId();
    this.dispatch({ type: 'dial', id, peer: target });
    this.log.add(`Calling ${target}`);
    await this.applyInputDevice();
    let call: CallLike;
    try {
      call = await device.connect({ params: { To: target } });
    } catch (error) {
      this.log.add(`Call failed to start: ${describeError(error)}`);
      this.endCall(id, { reason: reasonFromError(error), detail: describeError(error) });
      return;
    }
    if (this.snapshot.phone.call?.id !== id) {
      // Hung up before the SDK handed the call over.
      call.disconnect();
      return;
    }
    this.attachCall(call, id);
  }

  async accept(): Promise<void> {
    const { call } = this;
    if (!call || this.snapshot.phone.status !== 'incoming') return;
    this.log.add('Accepting call');
    await this.applyInputDevice();
    call.accept();
  }

  reject(): void {
    const { call } = this;
    if (!call || this.snapshot.phone.status !== 'incoming') return;
    this.log.add('Rejecting call');
    this.tabs?.announce('rejected', call.parameters.CallSid ?? '', call.parameters.From ?? '');
    call.reject();
  }

  /** Stops ringing here and leaves the call to other devices (or the caller's timeout). */
  ignore(): void {
    const { call } = this;
    const current = this.snapshot.phone.call;
    if (!call || !current || this.snapshot.phone.status !== 'incoming') return;
    this.log.add('Ignoring call');
    this.tabs?.announce('ignored', call.parameters.CallSid ?? '', call.parameters.From ?? '');
    call.ignore();
    this.endCall(current.id, null);
  }

  hangUp(): void {
    const current = this.snapshot.phone.call;
    if (!current) return;
    this.log.add('Hanging up');
    if (this.call) this.call.disconnect();
    else this.endCall(current.id, null);
  }

  toggleMute(): void {
    const { call } = this;
    if (!call || !this.snapshot.phone.call) return;
    call.mute(!call.isMuted());
  }

  /**
   * Sends DTMF. Keys pressed while earlier tones are still playing are queued and sent together:
   * each new RTCDTMFSender.insertDTMF replaces the tones not yet played, so the far end would miss them.
   */
  sendDigits(digits: string): void {
    if (!this.call || this.snapshot.phone.status !== 'inCall') return;
    this.dtmfQueue += digits;
    if (this.dtmfTimer === null) this.flushDigits();
  }

  private flushDigits = (): void => {
    this.dtmfTimer = null;
    const { call } = this;
    const digits = this.dtmfQueue;
    this.dtmfQueue = '';
    if (!call || !digits || this.snapshot.phone.status !== 'inCall') return;
    this.log.add(`Sending DTMF ${digits}`);
    call.sendDigits(digits);
    // Hold later keys until these tones have been played out.
    this.dtmfTimer = this.deps.env.setTimeout(() => {
      this.dtmfTimer = null;
      if (this.dtmfQueue) this.flushDigits();
    }, digits.length * DTMF_MS_PER_DIGIT);
  };

  dismissProblem(): void {
    this.dispatch({ type: 'dismissProblem' });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  /** Must run from a user gesture: browsers ignore permission prompts that are not. */
  async enableNotifications(): Promise<void> {
    const permission = await this.deps.env.requestNotificationPermission();
    this.log.add(`Notifications: ${permission}`);
    this.update({ notifications: permission });
  }

  // ---- audio devices ----

  getAudioDevices(): AudioDevices {
    const audio = this.device?.audio;
    const list = (map: Map<string, MediaDeviceInfo> | undefined) =>
      map ? [...map.values()].map((d) => ({ id: d.deviceId, label: d.label })) : [];
    return {
      inputs: list(audio?.availableInputDevices),
      outputs: list(audio?.availableOutputDevices),
      outputSelectionSupported: !!audio?.isOutputSelectionSupported,
      prefs: this.prefs,
    };
  }

  async setAudioPref(kind: keyof AudioPrefs, deviceId: string): Promise<void> {
    this.prefs = { ...this.prefs, [kind]: deviceId };
    saveAudioPrefs(this.deps.env.storage, this.prefs);
    this.log.add(`Audio ${kind} device: ${deviceId || 'default'}`);
    const audio = this.device?.audio;
    try {
      if (kind === 'speaker') await audio?.speakerDevices.set(deviceId || 'default');
      if (kind === 'ringtone') await audio?.ringtoneDevices.set(deviceId || 'default');
      if (kind === 'input' && (this.previewing || this.call)) await audio?.setInputDevice(deviceId || 'default');
    } catch (error) {
      this.log.add(`Could not use that ${kind} device: ${describeError(error)}`);
    }
    this.update({ audioVersion: this.snapshot.audioVersion + 1 });
  }

  async testSpeaker(): Promise<void> {
    try {
      await this.device?.audio?.speakerDevices.test();
    } catch (error) {
      this.log.add(`Speaker test failed: ${describeError(error)}`);
    }
  }

  /** Opens the chosen microphone so the settings meter can show its level. */
  async startInputPreview(): Promise<void> {
    const audio = this.device?.audio;
    if (!audio) return;
    this.previewing = true;
    audio.on('inputVolume', this.onInputVolume);
    try {
      await audio.setInputDevice(this.prefs.input || 'default');
      this.update({ audioVersion: this.snapshot.audioVersion + 1 });
    } catch (error) {
      this.log.add(`Microphone unavailable: ${describeError(error)}`);
      throw error;
    }
  }

  async stopInputPreview(): Promise<void> {
    const audio = this.device?.audio;
    this.previewing = false;
    if (!audio) return;
    audio.removeListener('inputVolume', this.onInputVolume);
    // Keep the microphone closed between calls; it is opened again for the next call.
    if (!this.call) await audio.unsetInputDevice().catch(() => undefined);
  }

  // ---- internals ----

  private async boot(session: Session): Promise<void> {
    const generation = ++this.generation;
    this.signingOut = false;
    this.dispatch({ type: 'signInStarted' });
    this.update({ user: session });
    this.log.add(`Signed in as ${session.identity}`);
    this.joinTabs(session.identity);
    let device: DeviceLike;
    try {
      const grant = await this.deps.api.token();
      if (generation !== this.generation) return;
      const config = this.snapshot.config ?? (await this.deps.api.config());
      device = await this.deps.createDevice(grant.token, deviceOptions(config));
      if (generation !== this.generation) {
        device.destroy();
        return;
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.failStart(error);
      return;
    }
    this.device = device;
    this.wireDevice(device);
    this.applyAudioPrefs();
    this.log.add('Registering');
    try {
      await device.register();
    } catch (error) {
      // The 'error' event already carries the reason; this only covers a rejected promise without one.
      if (generation === this.generation && this.snapshot.phone.status === 'registering' && device.state !== 'registered') {
        this.log.add(`Registration failed: ${describeError(error)}`);
      }
    }
  }

  private failStart(error: unknown): void {
    this.log.add(`Could not start the phone: ${describeError(error)}`);
    if (error instanceof ApiError && error.status === 401) {
      this.teardown();
      this.dispatch({ type: 'signedOut', problem: { reason: 'sessionExpired' } });
      return;
    }
    const reason: Reason = error instanceof ApiError ? 'network' : reasonFromError(error);
    this.dispatch({ type: 'fatal', problem: { reason: reason === 'unknown' ? 'unsupported' : reason, detail: describeError(error) } });
  }

  private wireDevice(device: DeviceLike): void {
    const handlers: Record<string, Listener> = {
      registering: () => this.dispatch({ type: 'registering' }),
      registered: () => {
        this.log.add('Registered: ready for calls');
        this.clearTimer('reregisterTimer');
        if (this.snapshot.notice?.kind === 'connectionTrouble') this.update({ notice: null });
        this.dispatch({ type: 'registered' });
      },
      unregistered: () => {
        this.log.add('Unregistered');
        this.dispatch({ type: 'unregistered' });
        if (!this.signingOut) this.scheduleReregister();
      },
      tokenWillExpire: () => {
        this.log.add('Token about to expire: refreshing');
        void this.refreshToken();
      },
      error: (error: unknown, call?: unknown) => this.onDeviceError(error, call),
      incoming: (call: CallLike) => this.onIncoming(call),
      destroyed: () => this.log.add('Device destroyed'),
    };
    for (const [event, handler] of Object.entries(handlers)) device.on(event, handler);
    const audio = device.audio;
    const onDeviceChange = (lost: MediaDeviceInfo[] = []) => this.onAudioDeviceChange(lost);
    audio?.on('deviceChange', onDeviceChange);
    this.deviceCleanup = () => {
      for (const [event, handler] of Object.entries(handlers)) device.removeListener(event, handler);
      audio?.removeListener('deviceChange', onDeviceChange);
      audio?.removeListener('inputVolume', this.onInputVolume);
    };
  }

  private onDeviceError(error: unknown, call: unknown): void {
    const code = errorCode(error);
    this.log.add(`Device error ${code ?? ''}: ${describeError(error)}`.replace('  ', ' '));
    if (isTokenExpiry(error)) {
      void this.refreshToken().then(() => this.ensureRegistered('token'));
      return;
    }
    if (call) return; // the call's own 'error' handler explains it
    if (isTokenInvalid(error)) {
      this.dispatch({ type: 'fatal', problem: { reason: 'tokenInvalid', detail: describeError(error) } });
      return;
    }
    if (this.snapshot.phone.status === 'registering' && this.device?.state !== 'registering') {
      this.dispatch({ type: 'fatal', problem: { reason: reasonFromError(error), detail: describeError(error) } });
    } else if (this.device?.state !== 'registered') {
      // The SDK keeps retrying on its own; say why the phone is still connecting.
      this.update({ notice: { kind: 'connectionTrouble' } });
    }
  }

  private onIncoming(call: CallLike): void {
    const from = call.parameters.From ?? '';
    if (this.snapshot.phone.status !== 'ready') {
      // Busy here; other devices or the caller's fallback take it.
      this.log.add(`Incoming call from ${from} while busy: ignored`);
      call.ignore();
      return;
    }
    const id = this.newCallId();
    this.log.add(`Incoming call from ${from}`);
    this.dispatch({ type: 'incoming', id, peer: from });
    this.attachCall(call, id);
    const { env, texts } = this.deps;
    if (this.tabs?.isLeader !== false && env.isHidden() && texts) {
      this.notification = env.notify(texts.incomingTitle(from), texts.incomingBody(from), 'softphone-incoming', () => undefined);
    }
  }

  private attachCall(call: CallLike, id: string): void {
    this.call = call;
    let pendingProblem: { reason: Reason; detail: string } | null = null;
    const outgoing = this.snapshot.phone.call?.direction === 'outgoing';
    let answered = false;
    const end = (problem: { reason: Reason; detail?: string } | null) => this.endCall(id, problem);
    const handlers: Record<string, Listener> = {
      ringing: () => {
        this.log.add('Ringing');
        this.dispatch({ type: 'ringing', id });
      },
      accept: () => {
        answered = true;
        this.log.add(`Call connected ${call.parameters.CallSid ?? ''}`.trim());
        this.closeNotification();
        if (!outgoing) this.tabs?.announce('answered', call.parameters.CallSid ?? '', call.parameters.From ?? '');
        this.dispatch({ type: 'accepted', id, at: this.deps.env.now() });
      },
      reconnecting: (error: unknown) => {
        this.log.add(`Reconnecting: ${describeError(error)}`);
        this.dispatch({ type: 'reconnecting', id });
      },
      reconnected: () => {
        this.log.add('Reconnected');
        this.dispatch({ type: 'reconnected', id });
      },
      mute: (muted: boolean) => {
        this.log.add(muted ? 'Muted' : 'Unmuted');
        this.dispatch({ type: 'muted', id, muted });
      },
      warning: (name: string) => {
        this.log.add(`Call quality warning: ${name}`);
        this.dispatch({ type: 'warning', id, name });
      },
      'warning-cleared': (name: string) => {
        this.log.add(`Call quality warning cleared: ${name}`);
        this.dispatch({ type: 'warningCleared', id, name });
      },
      volume: (input: number, output: number) => this.volumeListeners.forEach((l) => l(input, output)),
      error: (error: unknown) => {
        pendingProblem = { reason: reasonFromError(error), detail: describeError(error) };
        this.log.add(`Call error ${errorCode(error) ?? ''}: ${describeError(error)}`);
        // Some failures (no microphone) close the call without a 'disconnect' to follow.
        this.deps.env.setTimeout(() => {
          if (call.status() === 'closed') end(pendingProblem);
        }, 0);
      },
      disconnect: () => {
        this.log.add('Call ended');
        if (answered || !outgoing || pendingProblem) {
          end(pendingProblem);
          return;
        }
        // An outgoing call that ends before it was answered, with no error, went unanswered. But the
        // SDK emits 'disconnect' before the 'error' that explains it when the microphone cannot be
        // opened (blocked, missing), so wait for the rest of this emission before calling it that.
        queueMicrotask(() => end(pendingProblem ?? { reason: 'noAnswer' }));
      },
      cancel: () => {
        this.log.add('Caller hung up or the call was answered elsewhere');
        end(null);
      },
      reject: () => {
        this.log.add('Call rejected');
        end(null);
      },
    };
    for (const [event, handler] of Object.entries(handlers)) call.on(event, handler);
    this.callCleanup = () => {
      for (const [event, handler] of Object.entries(handlers)) call.removeListener(event, handler);
    };
  }

  private endCall(id: string, problem: { reason: Reason; detail?: string } | null): void {
    if (this.snapshot.phone.call?.id !== id) return;
    this.callCleanup?.();
    this.callCleanup = null;
    this.call = null;
    this.resetDigits();
    this.closeNotification();
    if (problem) this.log.add(`Call failed: ${problem.reason}`);
    this.dispatch({ type: 'ended', id, problem });
    if (!this.previewing) void this.device?.audio?.unsetInputDevice().catch(() => undefined);
  }

  private onTabMessage = (message: TabMessage): void => {
    const current = this.snapshot.phone.call;
    const { call } = this;
    if (!current || !call || this.snapshot.phone.status !== 'incoming') return;
    const sid = call.parameters.CallSid ?? '';
    const same = message.callSid && sid ? message.callSid === sid : message.from === (call.parameters.From ?? '');
    if (!same) return;
    this.log.add(`Call ${message.type} in another tab`);
    this.update({ notice: { kind: 'handledElsewhere', decision: message.type } });
    // A rejection in one tab is the person's answer for all of them; otherwise just stop ringing here.
    if (message.type === 'rejected') call.reject();
    else {
      call.ignore();
      this.endCall(current.id, null);
    }
  };

  private joinTabs(identity: string): void {
    this.tabs?.close();
    const tabs = new TabCoordinator(identity, this.deps.env.tabs);
    this.tabs = tabs;
    tabs.onMessage(this.onTabMessage);
    tabs.onLeaderChange((leader) => {
      this.log.add(leader ? 'This tab rings for incoming calls' : 'Another tab rings for incoming calls');
      this.update({ leader });
      this.device?.audio?.incoming(leader);
    });
    this.update({ leader: tabs.isLeader });
  }

  private async refreshToken(): Promise<boolean> {
    const device = this.device;
    if (!device) return false;
    this.clearTimer('tokenRetryTimer');
    try {
      const grant = await this.deps.api.token();
      if (this.device !== device) return false;
      device.updateToken(grant.token);
      this.log.add(`Token refreshed (valid ${grant.ttl} s)`);
      if (this.snapshot.notice?.kind === 'tokenRefreshFailed') this.update({ notice: null });
      return true;
    } catch (error) {
      this.log.add(`Token refresh failed: ${describeError(error)}`);
      if (error instanceof ApiError && error.status === 401) {
        this.teardown();
        this.dispatch({ type: 'signedOut', problem: { reason: 'sessionExpired' } });
        return false;
      }
      this.update({ notice: { kind: 'tokenRefreshFailed' } });
      this.tokenRetryTimer = this.deps.env.setTimeout(() => void this.refreshToken(), TOKEN_RETRY_MS);
      return false;
    }
  }

  /** Re-registers after the network or the tab comes back, or a token expired. */
  private async ensureRegistered(why: string): Promise<void> {
    const device = this.device;
    if (!device || this.signingOut) return;
    if (device.state === 'unregistered') {
      if (!this.deps.env.isOnline()) return;
      this.log.add(`Re-registering (${why})`);
      if (why === 'token') {
        // The token error arrived over a working socket: registering on it again is enough.
        await device.register().catch((error: unknown) => this.log.add(`Re-register failed: ${describeError(error)}`));
        return;
      }
      // Unregistered by lost signaling (network, frozen tab, gateway restart). The SDK re-registers by
      // itself when its socket reconnects, unless register() was called in between: that clears its
      // re-register flag and sends the registration into a socket that is not there, leaving the Device
      // "registering" until its 30 s registration timer. A new Device with a fresh token is certain.
      await this.replaceDevice(device);
    } else if (why === 'resume' && device.state === 'registered') {
      // A fresh token makes the SDK speak on its socket, which reconnects it if it died while frozen.
      await this.refreshToken();
    }
  }

  /** Swaps a Device that lost its registration for a new one; never while a call is up. */
  private async replaceDevice(old: DeviceLike): Promise<void> {
    const generation = this.generation;
    if (this.call) return; // the call's own reconnection keeps it; 'unregistered' retries later
    let token: string;
    try {
      token = (await this.deps.api.token()).token;
    } catch (error) {
      this.log.add(`Token refresh failed: ${describeError(error)}`);
      if (error instanceof ApiError && error.status === 401) {
        this.teardown();
        this.dispatch({ type: 'signedOut', problem: { reason: 'sessionExpired' } });
        return;
      }
      this.update({ notice: { kind: 'tokenRefreshFailed' } });
      this.scheduleReregister();
      return;
    }
    if (generation !== this.generation || this.device !== old || old.state !== 'unregistered' || this.call) return;
    const config = this.snapshot.config;
    if (!config) return;
    let device: DeviceLike;
    try {
      device = await this.deps.createDevice(token, deviceOptions(config));
    } catch (error) {
      this.log.add(`Could not start a new connection: ${describeError(error)}`);
      this.scheduleReregister();
      return;
    }
    if (generation !== this.generation || this.device !== old || this.call) {
      device.destroy();
      return;
    }
    this.deviceCleanup?.();
    this.deviceCleanup = null;
    old.destroy();
    this.device = device;
    this.wireDevice(device);
    this.applyAudioPrefs();
    if (this.snapshot.notice?.kind === 'tokenRefreshFailed') this.update({ notice: null });
    this.log.add('New connection: registering');
    await device.register().catch((error: unknown) => this.log.add(`Re-register failed: ${describeError(error)}`));
  }

  private scheduleReregister(): void {
    this.clearTimer('reregisterTimer');
    this.reregisterTimer = this.deps.env.setTimeout(() => {
      this.reregisterTimer = null;
      void this.ensureRegistered('retry');
    }, REREGISTER_DELAY_MS);
  }

  private applyAudioPrefs(): void {
    const audio = this.device?.audio;
    if (!audio) return;
    audio.incoming(this.tabs?.isLeader !== false);
    const { speaker, ringtone } = this.prefs;
    if (audio.isOutputSelectionSupported) {
      if (speaker && audio.availableOutputDevices.has(speaker)) audio.speakerDevices.set(speaker).catch(() => undefined);
      if (ringtone && audio.availableOutputDevices.has(ringtone)) audio.ringtoneDevices.set(ringtone).catch(() => undefined);
    }
  }

  private async applyInputDevice(): Promise<void> {
    const audio = this.device?.audio;
    if (!audio || !this.prefs.input) return;
    if (!audio.availableInputDevices.has(this.prefs.input)) return;
    await audio.setInputDevice(this.prefs.input).catch((error: unknown) => {
      this.log.add(`Chosen microphone unavailable, using the default: ${describeError(error)}`);
    });
  }

  private onAudioDeviceChange(lost: MediaDeviceInfo[]): void {
    if (lost.length > 0) {
      const label = lost.map((d) => d.label || d.deviceId).join(', ');
      this.log.add(`Audio device removed: ${label}; using the default`);
      this.update({ notice: { kind: 'deviceLost', label } });
    }
    // A remembered device that comes back is used again.
    this.applyAudioPrefs();
    this.update({ audioVersion: this.snapshot.audioVersion + 1 });
  }

  private onInputVolume = (volume: number): void => {
    this.volumeListeners.forEach((l) => l(volume, 0));
  };

  private resetDigits(): void {
    if (this.dtmfTimer !== null) this.deps.env.clearTimeout(this.dtmfTimer);
    this.dtmfTimer = null;
    this.dtmfQueue = '';
  }

  private closeNotification(): void {
    this.notification?.close();
    this.notification = null;
  }

  private teardown(): void {
    this.generation++;
    this.signingOut = true;
    this.clearTimer('reregisterTimer');
    this.clearTimer('tokenRetryTimer');
    this.closeNotification();
    this.callCleanup?.();
    this.callCleanup = null;
    this.call = null;
    this.resetDigits();
    this.deviceCleanup?.();
    this.deviceCleanup = null;
    if (this.device) {
      this.device.destroy();
      this.device = null;
    }
    this.tabs?.close();
    this.tabs = null;
    this.previewing = false;
    this.update({ user: null, leader: false, notice: null });
  }

  private clearTimer(name: 'reregisterTimer' | 'tokenRetryTimer'): void {
    if (this[name] !== null) this.deps.env.clearTimeout(this[name]);
    this[name] = null;
  }

  private newCallId(): string {
    return `call-${this.nextCallId++}`;
  }

  private dispatch(event: PhoneEvent): void {
    const phone = reduce(this.snapshot.phone, event);
    if (phone !== this.snapshot.phone) this.update({ phone });
  }

  private update(patch: Partial<PhoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.listeners.forEach((l) => l());
  }
}

/** `/api/config` deviceOptions plus what this app always wants. */
export function deviceOptions(config: AppConfig): DeviceOptions {
  return {
    ...config.deviceOptions,
    codecPreferences: ['opus', 'pcmu'],
    closeProtection: true,
    // Voice SDK 2.x always reports ringing; the flag keeps 1.x-style option sets explicit.
    enableRingingState: true,
    // Busy / no answer / declined arrive as their own error codes instead of a generic 31005.
    enableImprovedSignalingErrorPrecision: true,
  };
}

export function isCallActive(snapshot: PhoneSnapshot): boolean {
  return isInCallState(snapshot.phone.status);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; explanation?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    const explanation = typeof e.explanation === 'string' && e.explanation !== message ? ` (${e.explanation})` : '';
    return `${message}${explanation}` || String(error);
  }
  return String(error);
}
