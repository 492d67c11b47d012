/**
 * The phone core's coordinator (PhoneController). One unit on purpose, and longer than most modules: it
 * is where the parts meet (wiring and routing only; anything with rules of its own lives in a part), so
 * splitting it would scatter one flow of events over files. The class comment lists the parts.
 */
import type { Api } from './api';
import { AudioDeviceControl, type AudioDevices } from './audio-devices';
import { everyCallSecond } from './call-clock';
import { CallActions } from './call-actions';
import { transferOffer } from './call-control';
import { CallSession, type CallHost } from './call-session';
import type { NotificationHandle, PhoneEnv } from './env';
import type { StreamTransport } from './event-stream';
import { LevelTaps, type LevelChannel, type LevelSink, type LevelTapPort, type MeteredStreams } from './level-taps';
import { LevelFeed, type LevelListener } from './levels';
import { LiveData, type MissedCallTexts } from './live-data';
import { LOG_LIMIT, LogStore } from './log';
import type { AudioPrefs } from './prefs';
import { messageOf } from './reasons';
import { OtherTabs } from './other-tabs';
import { DeviceRegistration, type RegistrationHost } from './registration';
import { initialSnapshot, type PhoneSnapshot } from './snapshot';
import { alertsHere, holdsCall } from './busy-tabs';
import { incomingPlace, reduce, type PhoneEvent, type Problem } from './state';
import type { AudioContextLike, CallLike, DeviceFactory, Session } from './types';

export type { AudioDeviceOption, AudioDevices } from './audio-devices';
export { isCallActive, type Notice, type PhoneSnapshot } from './snapshot';

export interface NotificationTexts extends Partial<MissedCallTexts> {
  incomingTitle(peer: string): string;
  incomingBody(peer: string): string;
}

export interface PhoneDeps {
  api: Api;
  createDevice: DeviceFactory;
  /** The SDK's shared AudioContext, rested between calls (audio-devices.ts). */
  audioContext?: () => AudioContextLike | null;
  /** Measures levels off the main thread (level-taps.ts); without it, meters take the SDK's volume events. */
  levelTaps?: LevelTapPort;
  env: PhoneEnv;
  /** How the live event stream reaches this tab (fetch in the browser, a fake in tests). */
  events: StreamTransport;
  texts?: NotificationTexts;
}

/**
 * The phone core's coordinator, and the one object a UI talks to: it owns the snapshot, turns what
 * its parts report into events for the state machine (state.ts, a pure reducer), and exposes plain
 * methods. Nothing here knows about React. Its parts:
 *
 * - registration.ts   the Device: token, registration, re-registration, replacement, renewal on a
 *                     fresh AudioContext every 20 calls, the 401 exit
 * - call-session.ts   one call: its SDK wiring, DTMF queue and mute; one instance per call in `calls`
 * - call-actions.ts   hold, resume, transfer, add a person, call waiting (`control`): requests
 *                     to the server, whose answers and `live-call` events say what each call now is
 * - audio-devices.ts  device choices, microphone preview, test sound, ringing, unplug fall-back
 * - other-tabs.ts     the person's other tabs: which one rings, their decisions on a call ringing
 *                     in all of them, whether one holds a call (busy is per person: busy-tabs.ts)
 * - levels.ts, level-taps.ts
 *                     audio levels for meters (on the main thread, or measured and drawn off it)
 * - log.ts            the device log, bounded (outside the snapshot)
 * - live-data.ts      call history, voicemail, messages, unseen counts and presence: stores of their
 *                     own (outside the snapshot), loaded over HTTP and kept current by the event
 *                     stream that the person's tabs share (shared-stream.ts over event-stream.ts)
 *
 * Two calls at once (one in progress, one waiting) are two CallSessions in `calls`; the state machine
 * says which is in focus and which waits. The headset (headset-manager.ts, loaded on demand) is not a
 * part: like the UI, it reads the snapshot and calls these methods.
 */
export class PhoneController {
  readonly log: LogStore;
  /** History, unseen counts and presence, each a store the UI subscribes to on its own. */
  readonly live: LiveData;
  /** Hold, transfer, add a person and call waiting, for the calls in this tab. */
  readonly control: CallActions;
  private snapshot: PhoneSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly levels: LevelFeed;
  private readonly taps: LevelTaps | null;
  private readonly registration: DeviceRegistration;
  private readonly audio: AudioDeviceControl;
  /** The calls the SDK has given us or we are placing, by local id: at most two (one of them waiting). */
  private readonly calls = new Map<string, CallSession>();
  private readonly callHost: CallHost;
  private readonly otherTabs: OtherTabs;
  private readonly envCleanup: Array<() => void> = [];
  private notification: NotificationHandle | null = null;
  private nextCallId = 1;
  /** The call this tab rejected or ignored, so its end is not mistaken for a decision elsewhere. */
  private declinedHere: string | null = null;

  constructor(private readonly deps: PhoneDeps) {
    const log = new LogStore(LOG_LIMIT, deps.env.now);
    this.log = log;
    this.levels = new LevelFeed(deps.env);
    this.taps = deps.levelTaps ? new LevelTaps(deps.levelTaps, deps.env) : null;
    // With taps, nothing listens to the SDK's volume events (the SDK still polls for its own warnings).
    const sdkLevels = this.taps ? null : this.levels;
    this.snapshot = initialSnapshot(deps.env.notificationPermission());
    this.live = new LiveData(
      { api: deps.api, env: deps.env, events: deps.events, log, texts: deps.texts, liveCall: (live) => this.control.apply(live) },
      () => this.endSession(),
    );
    this.control = new CallActions({
      api: deps.api,
      log,
      me: () => this.snapshot.user?.identity ?? '',
      phone: () => this.snapshot.phone,
      sessions: () => this.calls.values(),
      session: (id) => this.calls.get(id),
      dispatch: (event) => this.dispatch(event),
      acceptWaiting: async (session) => {
        // The microphone is already open for the call in progress; the SDK shares it with this one.
        this.log.add('Accepting the waiting call');
        session.accept();
      },
    });
    const device = () => this.registration.current;
    const inCall = () => [...this.calls.values()].some((session) => session.attached);
    this.audio = new AudioDeviceControl({
      log,
      storage: deps.env.storage,
      levels: sdkLevels,
      device,
      audioContext: () => deps.audioContext?.() ?? null,
      inCall,
      rings: () => this.alertsHere(),
      deviceLost: (label) => this.update({ notice: { kind: 'deviceLost', label } }),
      changed: () => this.update({ audioVersion: this.snapshot.audioVersion + 1 }),
    });
    const registrationHost: RegistrationHost = {
      log,
      dispatch: (event) => this.dispatch(event),
      status: () => this.snapshot.phone.status,
      config: () => this.snapshot.config,
      notice: (notice) => this.update({ notice }),
      clearNotice: (kind) => {
        if (this.snapshot.notice?.kind === kind) this.update({ notice: null });
      },
      inCall,
      quiet: () => this.calls.size === 0 && !this.audio.previewOpen,
      sessionExpired: () => this.endSession(),
      deviceInUse: (device) => this.audio.attach(device),
      incoming: (call) => this.onIncoming(call),
    };
    this.registration = new DeviceRegistration(deps, registrationHost);
    this.callHost = {
      log,
      env: deps.env,
      levels: sdkLevels,
      dispatch: (event) => this.dispatch(event),
      statusOf: (id) => (this.snapshot.phone.call?.id === id ? this.snapshot.phone.status : null),
      answered: (session) => {
        this.closeNotification();
        void this.control.refresh();
        if (session.direction === 'incoming') this.otherTabs.announce('answered', session.callSid, session.from);
      },
      ended: (session, problem) => this.onEnded(session, problem),
    };
    this.otherTabs = new OtherTabs({
      env: deps.env,
      log,
      ringingHere: () => this.ringing() ?? this.waitingForOtherTab(),
      handledElsewhere: (decision, late) => {
        if (!late || this.snapshot.phone.status === 'ready') this.update({ notice: { kind: 'handledElsewhere', decision } });
      },
      leaderChanged: (leader) => {
        this.log.add(leader ? 'This tab rings for incoming calls' : 'Another tab rings for incoming calls');
        this.update({ leader });
        this.audio.ring(this.alertsHere());
      },
      otherTabCalls: (busy) => {
        if (busy === Boolean(this.snapshot.phone.busyElsewhere)) return;
        this.log.add(busy ? 'Another tab is on a call' : 'No other tab is on a call');
        this.dispatch({ type: 'busyElsewhere', busy });
        this.audio.ring(this.alertsHere());
      },
    });
  }

  /** The clock call timers are measured with. */
  now = (): number => this.deps.env.now();

  // ---- store interface (useSyncExternalStore) ----

  getSnapshot = (): PhoneSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Call audio levels (0..1) at the meters' frame rate, none while the page is hidden; for meters that draw without React. */
  onVolume(listener: LevelListener): () => void {
    return this.levels.subscribe(listener);
  }

  /**
   * For meters drawn off the main thread: `sink` gets a port carrying the channel's levels, for each
   * stream measured (level-taps.ts). Null when levels come through onVolume instead.
   */
  onLevelPort(channel: LevelChannel, sink: LevelSink): (() => void) | null {
    return this.taps?.subscribe(channel, sink) ?? null;
  }

  /** A call timer's tick: now, then on each whole second since `startedAt` (call-clock.ts). Returns the stop. */
  onCallSecond(startedAt: number, tick: (elapsedMs: number, visible: boolean) => void): () => void {
    return everyCallSecond(this.deps.env, startedAt, tick);
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    this.envCleanup.push(this.registration.watchPage());
    // Without Web Locks a closing tab could leave the others believing the person is on a call.
    this.envCleanup.push(this.deps.env.listen('window', 'pagehide', () => this.otherTabs.setHoldingCall(false)));
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
    this.taps?.dispose();
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
    const device = this.registration.current;
    if (!device || this.snapshot.phone.status !== 'ready') return;
    const session = this.openCall('outgoing');
    this.dispatch({ type: 'dial', id: session.id, peer: target });
    this.log.add(`Calling ${target}`);
    this.audio.wake();
    await this.audio.useChosenInput();
    await session.connect(device, target);
  }

  async accept(): Promise<void> {
    const session = this.ringing();
    if (!session) return;
    this.log.add('Accepting call');
    this.audio.wake();
    await this.audio.useChosenInput();
    session.accept();
  }

  reject(): void {
    this.decline('rejected');
  }

  /** Stops ringing here and leaves the call to other devices (or the caller's timeout). */
  ignore(): void {
    this.decline('ignored');
  }

  hangUp(): void {
    const session = this.current();
    if (!session && this.snapshot.phone.call?.parked) void this.control.hangUpParked();
    if (!session) return;
    this.log.add('Hanging up');
    session.hangUp();
  }

  toggleMute(): void {
    const session = this.current();
    if (session?.attached) session.toggleMute();
  }

  sendDigits(digits: string): void {
    this.current()?.sendDigits(digits);
  }

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
    return this.audio.list();
  }

  setAudioPref(kind: keyof AudioPrefs, deviceId: string): Promise<void> {
    return this.audio.choose(kind, deviceId);
  }

  testSpeaker(): Promise<void> {
    return this.audio.testSpeaker();
  }

  /** Opens the chosen microphone so the settings meter can show its level. */
  startInputPreview(): Promise<void> {
    return this.audio.startPreview();
  }

  async stopInputPreview(): Promise<void> {
    await this.audio.stopPreview();
    this.taps?.follow(this.meteredStreams());
  }

  // ---- internals ----

  private async boot(session: Session): Promise<void> {
    this.dispatch({ type: 'signInStarted' });
    this.update({ user: session });
    this.log.add(`Signed in as ${session.identity}`);
    const tabs = this.otherTabs.join(session.identity);
    this.update({ leader: tabs.isLeader });
    this.live.start(session.identity, tabs);
    await this.registration.start();
  }

  /** Our server no longer knows the session (401 from the token route or the event stream). */
  private endSession(): void {
    if (!this.snapshot.user) return;
    this.teardown();
    this.dispatch({ type: 'signedOut', problem: { reason: 'sessionExpired' } });
  }

  /** Turns down the call ringing here, and tells the person's other tabs so they follow. */
  private decline(decision: 'rejected' | 'ignored'): void {
    const session = this.ringing();
    if (!session) return;
    this.declinedHere = session.id;
    this.log.add(decision === 'rejected' ? 'Rejecting call' : 'Ignoring call');
    this.otherTabs.announce(decision, session.callSid, session.from);
    if (decision === 'rejected') session.reject();
    else session.ignore();
  }

  /** The call in focus: the one the state machine shows. */
  private current(): CallSession | undefined {
    const id = this.snapshot.phone.call?.id;
    return id === undefined ? undefined : this.calls.get(id);
  }

  /** The call ringing here, once the SDK has handed it over. */
  private ringing(): CallSession | undefined {
    const session = this.current();
    return session?.attached && this.snapshot.phone.status === 'incoming' ? session : undefined;
  }

  /** A call ringing quietly here while another tab holds the person's call. */
  private waitingForOtherTab(): CallSession | undefined {
    const { status, waiting } = this.snapshot.phone;
    return status === 'ready' && waiting ? this.calls.get(waiting.id) : undefined;
  }

  /** Whether this tab rings and notifies for a new call (busy-tabs.ts). */
  private alertsHere(): boolean {
    const { phone, leader } = this.snapshot;
    return alertsHere({ leader: this.otherTabs.coordinator ? leader : true, holdsCall: holdsCall(phone), busyElsewhere: Boolean(phone.busyElsewhere) });
  }

  private openCall(direction: CallSession['direction']): CallSession {
    const session = new CallSession(`call-${this.nextCallId++}`, direction, this.callHost);
    this.calls.set(session.id, session);
    return session;
  }

  private onIncoming(call: CallLike): void {
    if (this.control.ringBackArrived(call, () => this.openCall('incoming'))) return;
    const from = call.parameters.From ?? '', place = incomingPlace(this.snapshot.phone);
    if (place === 'busy') {
      // Busy here; other devices or the caller's fallback take it.
      this.log.add(`Incoming call from ${from} while busy: ignored`);
      call.ignore();
      return;
    }
    const session = this.openCall('incoming');
    const quiet = place === 'waiting' && this.snapshot.phone.status === 'ready';
    this.log.add(place === 'focus' ? `Incoming call from ${from}` : quiet ? `Call waiting, in another tab: ${from}` : `Call waiting: ${from}`);
    this.dispatch({ type: 'incoming', id: session.id, peer: from, offer: transferOffer(call.customParameters) });
    session.attach(call);
    if (place === 'waiting' && holdsCall(this.snapshot.phone)) void this.audio.waitingTone();
    const { env, texts } = this.deps;
    if (this.alertsHere() && env.isHidden() && texts) {
      this.notification = env.notify(texts.incomingTitle(from), texts.incomingBody(from), 'softphone-incoming', () => undefined);
    }
  }

  private onEnded(session: CallSession, problem: Problem | null): void {
    const stillRinging = this.snapshot.phone.call?.id === session.id && this.snapshot.phone.status === 'incoming';
    if (stillRinging && !problem && this.declinedHere !== session.id && session.callSid) {
      this.otherTabs.stoppedRingingHere(session.callSid, session.from);
    }
    this.declinedHere = null;
    this.calls.delete(session.id);
    this.closeNotification();
    if (problem) this.log.add(`Call failed: ${problem.reason}`);
    this.dispatch({ type: 'ended', id: session.id, problem });
    if (this.calls.size === 0) this.audio.releaseInput();
    this.registration.callEnded();
  }

  private closeNotification(): void {
    this.notification?.close();
    this.notification = null;
  }

  private teardown(): void {
    this.closeNotification();
    this.declinedHere = null;
    this.calls.forEach((session) => session.dispose());
    this.calls.clear();
    this.registration.stop();
    this.live.stop();
    this.otherTabs.leave();
    this.audio.reset();
    this.update({ user: null, leader: false, notice: null });
  }

  private dispatch(event: PhoneEvent): void {
    const before = this.snapshot.phone, phone = reduce(before, event);
    if (phone === before) return;
    this.update({ phone });
    if (holdsCall(phone) === holdsCall(before)) return;
    this.otherTabs.setHoldingCall(holdsCall(phone));
    this.audio.ring(this.alertsHere());
  }

  private update(patch: Partial<PhoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.taps?.follow(this.meteredStreams());
    this.listeners.forEach((l) => l());
  }

  /** What the meters show: the call in focus once it talks, else the settings' microphone preview. */
  private meteredStreams(): MeteredStreams {
    const { status } = this.snapshot.phone;
    const session = this.current();
    if (session && (status === 'inCall' || status === 'reconnecting')) return session.streams();
    return { input: this.audio.previewStream() };
  }
}
