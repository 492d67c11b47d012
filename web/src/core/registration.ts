import { ApiError, type Api } from './api';
import type { PhoneEnv } from './env';
import type { LogStore } from './log';
import { describeError, errorCode, isTokenExpiry, isTokenInvalid, reasonFromError, type Reason } from './reasons';
import type { Notice } from './snapshot';
import type { PhoneEvent, Status } from './state';
import type { AppConfig, CallLike, DeviceFactory, DeviceLike, DeviceOptions, Listener } from './types';

const REREGISTER_DELAY_MS = 5_000;
const TOKEN_RETRY_MS = 10_000;
/**
 * Calls a Device carries on its AudioContext before it is renewed on a fresh one (sdk-audio-contexts.ts
 * says why): each leaves some 400 kB in the renderer until then, and each renewal costs a new Device's
 * registration (docs/benchmarks.md).
 */
export const FRESH_AUDIO_AFTER_CALLS = 20;
/** How long the tab stays without a call before the renewal, so it never races a quick redial. */
const FRESH_AUDIO_QUIET_MS = 3_000;
/**
 * A tab whose calls follow each other too closely ever to be quiet that long renews between two calls
 * all the same once it has carried this many: a quick redial then keeps the old Device, and the next
 * hang-up tries again.
 */
export const FRESH_AUDIO_BUSY_AFTER_CALLS = 3 * FRESH_AUDIO_AFTER_CALLS;

export interface RegistrationDeps {
  api: Api;
  createDevice: DeviceFactory;
  env: PhoneEnv;
}

/** What the registration reports to, and asks of, the phone around it. */
export interface RegistrationHost {
  readonly log: LogStore;
  dispatch(event: PhoneEvent): void;
  status(): Status;
  config(): AppConfig | null;
  notice(notice: Notice): void;
  clearNotice(kind: Notice['kind']): void;
  /** A call is up: its own reconnection keeps it, so the Device is never swapped under it. */
  inCall(): boolean;
  /** No call at all (not even ringing) and no microphone preview: a renewal would go unnoticed. */
  quiet(): boolean;
  /** Our server no longer knows the session (401): everything stops and the person signs in again. */
  sessionExpired(): void;
  /** A Device goes into use; returns how to unwire whatever the host attached to it. */
  deviceInUse(device: DeviceLike): () => void;
  incoming(call: CallLike): void;
}

/**
 * The one Device of a signed-in session and its registration: creating and wiring it, refreshing
 * its token before it expires, re-registering when the network, the tab or a frozen page comes
 * back, replacing a Device that lost its registration, and renewing it on a fresh AudioContext every
 * FRESH_AUDIO_AFTER_CALLS calls. A 401 from the token route, wherever it happens, leaves through
 * `sessionExpired`.
 */
export class DeviceRegistration {
  private device: DeviceLike | null = null;
  private unwire: (() => void) | null = null;
  /** Bumped by start and stop, so work begun for an earlier session drops its result. */
  private generation = 0;
  private stopped = false;
  private reregisterTimer: unknown = null;
  private tokenRetryTimer: unknown = null;
  private freshAudioTimer: unknown = null;
  /** Calls ended since the Device in use got its AudioContext. */
  private callsOnAudio = 0;
  private renewingAudio = false;

  constructor(
    private readonly deps: RegistrationDeps,
    private readonly host: RegistrationHost,
  ) {}

  /** The Device in use, or null while signed out or starting. */
  get current(): DeviceLike | null {
    return this.device;
  }

  /** Listens for the page events that call for a registration check; returns how to stop. */
  watchPage(): () => void {
    const { env } = this.deps;
    const { log } = this.host;
    const offs = [
      env.listen('window', 'online', () => {
        log.add('Network is back');
        void this.ensureRegistered('online');
      }),
      env.listen('window', 'offline', () => log.add('Network lost')),
      env.listen('document', 'visibilitychange', () => {
        if (!env.isHidden()) void this.ensureRegistered('visible');
      }),
      // Page lifecycle: a frozen tab may hold a registration the gateway has long forgotten.
      env.listen('document', 'resume', () => {
        log.add('Tab resumed');
        void this.ensureRegistered('resume');
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Brings up the session's first Device: a token, the Device, its registration. */
  async start(): Promise<void> {
    const generation = ++this.generation;
    this.stopped = false;
    let device: DeviceLike;
    try {
      const grant = await this.deps.api.token();
      if (generation !== this.generation) return;
      device = await this.newDevice(grant.token);
      if (generation !== this.generation) {
        device.destroy();
        return;
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.failStart(error);
      return;
    }
    this.use(device);
    this.host.log.add('Registering');
    try {
      await device.register();
    } catch (error) {
      // The 'error' event already carries the reason; this only covers a rejected promise without one.
      if (generation === this.generation && this.host.status() === 'registering' && device.state !== 'registered') {
        this.host.log.add(`Registration failed: ${describeError(error)}`);
      }
    }
  }

  /** Destroys the Device and drops every timer and pending answer. */
  stop(): void {
    this.generation++;
    this.stopped = true;
    this.clearTimer('reregisterTimer');
    this.clearTimer('tokenRetryTimer');
    this.clearTimer('freshAudioTimer');
    this.callsOnAudio = 0;
    this.release();
    if (this.device) {
      this.device.destroy();
      this.device = null;
    }
  }

  // ---- one Device ----

  private async newDevice(token: string, freshAudio = false): Promise<DeviceLike> {
    const config = this.host.config() ?? (await this.deps.api.config());
    return this.deps.createDevice(token, deviceOptions(config), freshAudio ? { freshAudio } : undefined);
  }

  private use(device: DeviceLike): void {
    this.device = device;
    const offDevice = this.wire(device);
    const offHost = this.host.deviceInUse(device);
    this.unwire = () => {
      offDevice();
      offHost();
    };
  }

  private release(): void {
    this.unwire?.();
    this.unwire = null;
  }

  private wire(device: DeviceLike): () => void {
    const { log } = this.host;
    const handlers: Record<string, Listener> = {
      registering: () => this.host.dispatch({ type: 'registering' }),
      registered: () => {
        log.add('Registered: ready for calls');
        this.clearTimer('reregisterTimer');
        this.host.clearNotice('connectionTrouble');
        this.host.dispatch({ type: 'registered' });
      },
      unregistered: () => {
        log.add('Unregistered');
        this.host.dispatch({ type: 'unregistered' });
        if (!this.stopped) this.scheduleReregister();
      },
      tokenWillExpire: () => {
        log.add('Token about to expire: refreshing');
        void this.refreshToken();
      },
      error: (error: unknown, call?: unknown) => this.onDeviceError(error, call),
      incoming: (call: CallLike) => this.host.incoming(call),
      destroyed: () => log.add('Device destroyed'),
    };
    for (const [event, handler] of Object.entries(handlers)) device.on(event, handler);
    return () => {
      for (const [event, handler] of Object.entries(handlers)) device.removeListener(event, handler);
    };
  }

  private onDeviceError(error: unknown, call: unknown): void {
    const code = errorCode(error);
    this.host.log.add(`Device error ${code ?? ''}: ${describeError(error)}`.replace('  ', ' '));
    if (isTokenExpiry(error)) {
      void this.refreshToken().then(() => this.ensureRegistered('token'));
      return;
    }
    if (call) return; // the call's own 'error' handler explains it
    if (isTokenInvalid(error)) {
      this.host.dispatch({ type: 'fatal', problem: { reason: 'tokenInvalid', detail: describeError(error) } });
      return;
    }
    if (this.host.status() === 'registering' && this.device?.state !== 'registering') {
      this.host.dispatch({ type: 'fatal', problem: { reason: reasonFromError(error), detail: describeError(error) } });
    } else if (this.device?.state !== 'registered') {
      // The SDK keeps retrying on its own; say why the phone is still connecting.
      this.host.notice({ kind: 'connectionTrouble' });
    }
  }

  // ---- failures ----

  private failStart(error: unknown): void {
    this.host.log.add(`Could not start the phone: ${describeError(error)}`);
    if (this.endIfSessionGone(error)) return;
    const reason: Reason = error instanceof ApiError ? 'network' : reasonFromError(error);
    this.host.dispatch({ type: 'fatal', problem: { reason: reason === 'unknown' ? 'unsupported' : reason, detail: describeError(error) } });
  }

  /** A token request failed: true when that ended the session, else the person is told and the caller retries. */
  private tokenFailed(error: unknown): boolean {
    this.host.log.add(`Token refresh failed: ${describeError(error)}`);
    if (this.endIfSessionGone(error)) return true;
    this.host.notice({ kind: 'tokenRefreshFailed' });
    return false;
  }

  private endIfSessionGone(error: unknown): boolean {
    if (!(error instanceof ApiError && error.status === 401)) return false;
    this.host.sessionExpired();
    return true;
  }

  // ---- keeping it registered ----

  private async refreshToken(): Promise<boolean> {
    const device = this.device;
    if (!device) return false;
    this.clearTimer('tokenRetryTimer');
    try {
      const grant = await this.deps.api.token();
      if (this.device !== device) return false;
      device.updateToken(grant.token);
      this.host.log.add(`Token refreshed (valid ${grant.ttl} s)`);
      this.host.clearNotice('tokenRefreshFailed');
      return true;
    } catch (error) {
      if (!this.tokenFailed(error)) {
        this.tokenRetryTimer = this.deps.env.setTimeout(() => void this.refreshToken(), TOKEN_RETRY_MS);
      }
      return false;
    }
  }

  /** Re-registers after the network or the tab comes back, or a token expired. */
  private async ensureRegistered(why: string): Promise<void> {
    const device = this.device;
    if (!device || this.stopped) return;
    if (device.state === 'unregistered') {
      if (!this.deps.env.isOnline()) return;
      this.host.log.add(`Re-registering (${why})`);
      if (why === 'token') {
        // The token error arrived over a working socket: registering on it again is enough.
        await device.register().catch((error: unknown) => this.host.log.add(`Re-register failed: ${describeError(error)}`));
        return;
      }
      // Unregistered by lost signaling (network, frozen tab, gateway restart). The SDK re-registers by
      // itself when its socket reconnects, unless register() was called in between: that clears its
      // re-register flag and sends the registration into a socket that is not there, leaving the Device
      // "registering" until its 30 s registration timer. A new Device with a fresh token is certain.
      await this.replace(device);
    } else if (why === 'resume' && device.state === 'registered') {
      // A fresh token makes the SDK speak on its socket, which reconnects it if it died while frozen.
      await this.refreshToken();
    }
  }

  /** Swaps a Device that lost its registration for a new one; never while a call is up. */
  private async replace(old: DeviceLike): Promise<void> {
    const generation = this.generation;
    if (this.host.inCall()) return; // the call's own reconnection keeps it; 'unregistered' retries later
    let token: string;
    try {
      token = (await this.deps.api.token()).token;
    } catch (error) {
      if (!this.tokenFailed(error)) this.scheduleReregister();
      return;
    }
    if (generation !== this.generation || this.device !== old || old.state !== 'unregistered' || this.host.inCall()) return;
    let device: DeviceLike;
    try {
      device = await this.newDevice(token);
    } catch (error) {
      this.host.log.add(`Could not start a new connection: ${describeError(error)}`);
      this.scheduleReregister();
      return;
    }
    if (generation !== this.generation || this.device !== old || this.host.inCall()) {
      device.destroy();
      return;
    }
    this.release();
    old.destroy();
    this.use(device);
    this.host.clearNotice('tokenRefreshFailed');
    this.host.log.add('New connection: registering');
    await device.register().catch((error: unknown) => this.host.log.add(`Re-register failed: ${describeError(error)}`));
  }

  // ---- renewing it on a fresh AudioContext ----

  /** A call in this tab ended; after enough of them the Device is renewed once the tab is quiet. */
  callEnded(): void {
    if (this.stopped || ++this.callsOnAudio < FRESH_AUDIO_AFTER_CALLS) return;
    this.clearTimer('freshAudioTimer');
    if (this.callsOnAudio >= FRESH_AUDIO_BUSY_AFTER_CALLS) {
      void this.renewAudio();
      return;
    }
    this.freshAudioTimer = this.deps.env.setTimeout(() => {
      this.freshAudioTimer = null;
      void this.renewAudio();
    }, FRESH_AUDIO_QUIET_MS);
  }

  /**
   * Make before break: the new Device registers while the old one still takes calls, so the tab is
   * reachable throughout; a call that arrives meanwhile keeps the old one (the next call's end tries
   * again). Nothing is renewed while anything is going on.
   */
  private async renewAudio(): Promise<void> {
    if (this.renewingAudio) return;
    this.renewingAudio = true;
    try {
      await this.renewAudioOnce();
    } finally {
      this.renewingAudio = false;
    }
  }

  private async renewAudioOnce(): Promise<void> {
    const old = this.device;
    const generation = this.generation;
    const still = () => generation === this.generation && this.device === old && old?.state === 'registered' && this.host.quiet();
    if (!still()) return;
    const calls = this.callsOnAudio;
    let device: DeviceLike;
    try {
      device = await this.newDevice((await this.deps.api.token()).token, true);
    } catch (error) {
      this.host.log.add(`Could not renew the connection: ${describeError(error)}`);
      return;
    }
    // Silent until it is the one in use: Twilio rings every registration of the identity, so whatever
    // arrives meanwhile rings on the old Device, which answers it. Here it is only ignored: rejecting it,
    // or destroying this Device with it pending, would end it on the old one too.
    device.audio?.incoming(false);
    const ignore = (call: CallLike) => call.ignore();
    device.on('incoming', ignore);
    const registered =
      still() &&
      (await device.register().then(
        () => true,
        (error: unknown) => (this.host.log.add(`Could not renew the connection: ${describeError(error)}`), false),
      ));
    device.removeListener('incoming', ignore);
    if (!registered || device.state !== 'registered' || !still()) {
      device.destroy();
      return;
    }
    this.release();
    old!.destroy();
    this.use(device);
    this.callsOnAudio = 0;
    this.host.log.add(`Connection renewed after ${calls} calls (fresh audio)`);
  }

  private scheduleReregister(): void {
    this.clearTimer('reregisterTimer');
    this.reregisterTimer = this.deps.env.setTimeout(() => {
      this.reregisterTimer = null;
      void this.ensureRegistered('retry');
    }, REREGISTER_DELAY_MS);
  }

  private clearTimer(name: 'reregisterTimer' | 'tokenRetryTimer' | 'freshAudioTimer'): void {
    if (this[name] !== null) this.deps.env.clearTimeout(this[name]);
    this[name] = null;
  }
}

/** `/api/config` deviceOptions plus what this app always wants. */
export function deviceOptions(config: AppConfig): DeviceOptions {
  return {
    ...config.deviceOptions,
    codecPreferences: ['opus', 'pcmu'],
    closeProtection: true,
    // A second call rings during a call (call waiting); without it the SDK drops the invite unseen.
    allowIncomingWhileBusy: true,
    // Voice SDK 2.x always reports ringing; the flag keeps 1.x-style option sets explicit.
    enableRingingState: true,
    // Busy / no answer / declined arrive as their own error codes instead of a generic 31005.
    enableImprovedSignalingErrorPrecision: true,
    // Ringtones through audio elements, so they ring while the SDK's AudioContext rests between calls.
    disableAudioContextSounds: true,
    // The SDK writes each error it reports to the console as an object, and a console that is being
    // inspected (DevTools, or the test's CDP session) keeps every logged object reachable: the error's
    // stack holds the closed WebSocket of each dropped connection and, through it, the replaced Device.
    // The device log already says what went wrong. A level saved by hand in localStorage
    // ('loglevel:@twilio/voice-sdk') still wins, for debugging the SDK itself.
    logLevel: 'silent',
  };
}
