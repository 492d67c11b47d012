/**
 * What the server remembers and pushes, as this tab shows it: the call history, the unseen counts
 * behind the missed-calls badge, and the team's presence. Each lives in a store of its own, apart
 * from the call state machine. They are loaded over HTTP once the browser's shared event stream is
 * live (so no event falls between the load and the stream), reloaded when the stream could not
 * resume, and kept current by its events. Nothing here polls.
 */
import type { Api } from './api';
import type { Availability, CallRecord, LiveCall, MessageRecord, ServerEvent, Unseen, Voicemail } from '../../../contracts/api';
import type { NotificationHandle, PhoneEnv } from './env';
import { ClickToCall } from './click-to-call';
import { EventStream, type StreamTransport } from './event-stream';
import { HistoryStore, isMissed, type HistoryFilter } from './history-store';
import { MessagesStore } from './messages-store';
import type { LogStore } from './log';
import { PresenceStore } from './presence-store';
import { messageOf } from './reasons';
import type { Refusal } from './refusal';
import { SharedEventStream, type TabsPort } from './shared-stream';
import { ValueStore } from './value-store';
import { VoicemailStore } from './voicemail-store';

/** How many notified missed calls are remembered (see `notified`). */
const NOTIFIED_KEPT = 50;

/** Lists are loaded anyway when the stream is not live this long after sign-in (server down, proxy trouble). */
export const LOAD_ANYWAY_MS = 4_000;

export interface MissedCallTexts {
  missedTitle(): string;
  missedBody(peer: string): string;
  /** A text message arrived: from whom, and what it says. */
  textTitle(peer: string): string;
  textBody(body: string): string;
  /** A caller left a message: from whom, and how long it is. */
  voicemailTitle(peer: string): string;
  voicemailBody(seconds: number): string;
  /** Why a text was not sent, in the app's language. */
  refusal(refusal: Refusal): string;
}

export interface LiveDataDeps {
  api: Api;
  env: PhoneEnv;
  events: StreamTransport;
  log: LogStore;
  texts?: Partial<MissedCallTexts>;
  /** A call the user is in changed (call-actions.ts applies it to this tab's calls). */
  liveCall?: (call: LiveCall) => void;
}

export class LiveData {
  readonly history: HistoryStore;
  readonly unseen = new ValueStore<Unseen | null>(null);
  readonly presence = new PresenceStore();
  readonly messages: MessagesStore;
  readonly voicemails = new VoicemailStore();
  /** "Call via my phone": the personal number and the call in progress. */
  readonly clickToCall: ClickToCall;
  private stream: SharedEventStream | null = null;
  private identity = '';
  private loaded = false;
  private loadTimer: unknown = null;
  private seenRequest: Promise<void> | null = null;
  /**
   * Missed calls already notified, so an update to one (called back, voicemail) does not notify again.
   * Such updates follow within minutes, so the newest few suffice and a day of missed calls adds nothing.
   */
  private readonly notified = new Set<string>();
  private readonly notifications: NotificationHandle[] = [];

  constructor(
    private readonly deps: LiveDataDeps,
    private readonly signedOut: () => void,
  ) {
    this.history = new HistoryStore((query) => deps.api.calls(query));
    this.clickToCall = new ClickToCall(deps.api, deps.env.storage);
    this.messages = new MessagesStore({
      api: deps.api,
      isHidden: () => deps.env.isHidden(),
      log: (line) => deps.log.add(line),
      unseen: (unseen) => this.mergeUnseen(unseen),
      refusal: (refusal) => deps.texts?.refusal?.(refusal) ?? refusal.text,
    });
  }

  /** Counts from one source (calls or messages) leave the other's as they were. */
  private mergeUnseen(unseen: Unseen): void {
    this.unseen.set({ ...this.unseen.get(), ...unseen });
  }

  start(identity: string, tabs: TabsPort): void {
    this.stop();
    this.identity = identity;
    const { env, events } = this.deps;
    this.stream = new SharedEventStream(tabs, (lastEventId, host) => new EventStream(events, env, host, lastEventId), {
      event: (event, leader) => this.apply(event, leader),
      live: (fresh) => {
        if (!this.loaded || fresh) void this.loadAll();
      },
      signedOut: () => this.signedOut(),
      log: (line) => this.deps.log.add(line),
    });
    this.stream.start();
    this.loadTimer = env.setTimeout(() => {
      this.loadTimer = null;
      if (!this.loaded) void this.loadAll();
    }, LOAD_ANYWAY_MS);
  }

  stop(): void {
    this.stream?.stop();
    this.stream = null;
    if (this.loadTimer !== null) this.deps.env.clearTimeout(this.loadTimer);
    this.loadTimer = null;
    this.loaded = false;
    this.notifications.splice(0).forEach((n) => n.close());
    this.notified.clear();
    this.history.clear();
    this.unseen.set(null);
    this.presence.clear();
    this.messages.clear();
    this.voicemails.clear();
    this.clickToCall.clear();
  }

  /** The lists again, from the server (after a gap in the stream, or on request). */
  async loadAll(): Promise<void> {
    this.loaded = true;
    const { api, log } = this.deps;
    const settle = <T>(what: string, work: Promise<T>, use: (value: T) => void) =>
      work.then(use, (error: unknown) => log.add(`Could not load ${what}: ${messageOf(error)}`));
    await Promise.all([
      this.history.load(),
      settle('the missed-call count', api.unseen(), (unseen) => this.unseen.set(unseen)),
      settle('the team’s availability', api.presence(), (list) => this.presence.replaceAll(list.items)),
      this.messages.load(),
      this.clickToCall.load(),
      api.voicemails().then(
        (list) => this.voicemails.replaceAll(list.items),
        (error: unknown) => {
          this.voicemails.failed();
          log.add(`Could not load the voicemails: ${messageOf(error)}`);
        },
      ),
    ]);
  }

  setFilter(filter: HistoryFilter): Promise<void> {
    return filter === this.history.getView().filter ? Promise.resolve() : this.history.load(filter);
  }

  /**
   * The person has looked at the list: their missed calls are seen, on every device. Up to the newest
   * missed call loaded here, so one that arrives meanwhile still counts as unseen.
   */
  markSeen(): Promise<void> {
    if (this.seenRequest) return this.seenRequest;
    // A call with a message counts as a voicemail, not a missed call: its row may be all that is unseen.
    if (!(this.unseen.get()?.missedCalls || this.history.hasUnseen()) || this.deps.env.isHidden()) return Promise.resolve();
    const upTo = this.history.newestMissed()?.startedAt;
    this.seenRequest = this.deps.api
      .markCallsSeen(upTo)
      .then(
        (unseen) => {
          this.mergeUnseen(unseen);
          this.history.markSeen(unseen.seenUpTo ?? upTo);
          this.notifications.splice(0).forEach((n) => n.close());
        },
        (error: unknown) => this.deps.log.add(`Could not mark missed calls seen: ${messageOf(error)}`),
      )
      .finally(() => {
        this.seenRequest = null;
      });
    return this.seenRequest;
  }

  /** The person played or dismissed a message: heard, on all their devices. Returns why it failed, or null. */
  async markVoicemailHeard(id: string): Promise<string | null> {
    try {
      this.voicemails.upsert(await this.deps.api.markVoicemailHeard(id));
      return null;
    } catch (error) {
      this.deps.log.add(`Could not mark the voicemail heard: ${messageOf(error)}`);
      return messageOf(error);
    }
  }

  /**
   * Deletes it for the whole team, gone from the list at once; back if the server refuses. Returns until
   * when it can be undone, or why it failed.
   */
  async deleteVoicemail(id: string): Promise<{ restorableUntil: string } | { error: string }> {
    const before = this.voicemails.getItems().find((v) => v.id === id);
    this.voicemails.remove(id);
    try {
      const { restorableUntil } = await this.deps.api.deleteVoicemail(id);
      return { restorableUntil };
    } catch (error) {
      if (before) this.voicemails.upsert(before);
      this.deps.log.add(`Could not delete the voicemail: ${messageOf(error)}`);
      return { error: messageOf(error) };
    }
  }

  /** Undo: brings a voicemail deleted moments ago back for everyone. Returns why it failed, or null. */
  async restoreVoicemail(id: string): Promise<string | null> {
    try {
      this.voicemails.upsert(await this.deps.api.restoreVoicemail(id));
      return null;
    } catch (error) {
      this.deps.log.add(`Could not restore the voicemail: ${messageOf(error)}`);
      return messageOf(error);
    }
  }

  /** Available or Do not disturb; shown at once, undone if the server refuses. Returns why it failed, or null. */
  async setAvailability(availability: Availability): Promise<string | null> {
    const user = this.identity;
    const before = this.presence.get()[user];
    this.presence.setAvailability(user, availability);
    try {
      this.presence.upsert(await this.deps.api.setAvailability(availability));
      this.deps.log.add(availability === 'dnd' ? 'Do not disturb: calls to the team number do not ring here' : 'Available for calls to the team number');
      return null;
    } catch (error) {
      if (before) this.presence.upsert(before);
      else this.presence.setAvailability(user, availability === 'dnd' ? 'available' : 'dnd');
      return messageOf(error);
    }
  }

  private apply(event: ServerEvent, leader: boolean): void {
    switch (event.type) {
      case 'call':
        if (leader) this.notifyMissed(event.call);
        this.history.upsert(event.call);
        break;
      case 'presence':
        this.presence.upsert(event.presence);
        break;
      case 'unseen':
        this.mergeUnseen(event.unseen);
        // Seen up to the server's watermark, on every device; without one, nothing unseen means all seen.
        if (event.unseen.seenUpTo) this.history.markSeen(event.unseen.seenUpTo);
        else if (event.unseen.missedCalls === 0) this.history.markSeen();
        break;
      case 'conversation':
        this.messages.upsertConversation(event.conversation);
        break;
      case 'message':
        if (leader) this.notifyText(event.message);
        this.messages.upsertMessage(event.message);
        break;
      case 'voicemail':
        if (leader) this.notifyVoicemail(event.voicemail);
        this.voicemails.upsert(event.voicemail);
        break;
      case 'voicemail-deleted':
        this.voicemails.remove(event.id);
        break;
      case 'click-to-call':
        this.clickToCall.apply(event.progress);
        break;
      case 'live-call':
        this.deps.liveCall?.(event.liveCall);
        break;
      case 'reset':
        this.deps.log.add('Live updates: events were missed; reloading the lists');
        void this.loadAll();
        break;
      default:
        // Event types of later features are not this tab's business yet.
        break;
    }
  }

  /** Like missed calls: once per inbound text, by the tab that holds the stream, while it is hidden. */
  private notifyText(message: MessageRecord): void {
    if (message.direction !== 'inbound' || this.notified.has(`text-${message.id}`)) return;
    this.notified.add(`text-${message.id}`);
    const { env, texts } = this.deps;
    if (!env.isHidden() || !texts?.textTitle || !texts.textBody) return;
    const handle = env.notify(texts.textTitle(message.peer), texts.textBody(message.body), `softphone-text-${message.id}`, () => {
      void this.messages.open(message.conversationId);
    });
    if (handle) this.notifications.push(handle);
  }

  /**
   * Like missed calls: once per new message, by the tab that holds the stream, while it is hidden. It takes
   * the place of its call's missed-call notification (same tag): the message says more.
   */
  private notifyVoicemail(voicemail: Voicemail): void {
    const key = `voicemail-${voicemail.id}`;
    // One somebody has heard already is not news (a restore, or a replay after a reconnect).
    if (voicemail.heardBy.length > 0 || this.notified.has(key) || this.voicemails.getItems().some((v) => v.id === voicemail.id)) return;
    this.notified.add(key);
    const { env, texts } = this.deps;
    if (!env.isHidden() || !texts?.voicemailTitle || !texts.voicemailBody) return;
    const tag = voicemail.callId === null ? `softphone-${key}` : `softphone-missed-${voicemail.callId}`;
    const handle = env.notify(texts.voicemailTitle(voicemail.from), texts.voicemailBody(voicemail.durationSeconds), tag, () => undefined);
    if (handle) this.notifications.push(handle);
  }

  /** One notification per browser (the tab that holds the stream), and only while it is hidden. */
  private notifyMissed(call: CallRecord): void {
    if (call.direction !== 'inbound' || !isMissed(call) || call.seen || call.calledBackBy !== null) return;
    if (this.notified.has(call.id)) return;
    this.notified.add(call.id);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.notified.size > NOTIFIED_KEPT) this.notified.delete(this.notified.values().next().value!);
    const { env, texts } = this.deps;
    if (!env.isHidden() || !texts?.missedTitle || !texts.missedBody) return;
    const handle = env.notify(texts.missedTitle(), texts.missedBody(call.from), `softphone-missed-${call.id}`, () => {
      void this.setFilter('missed');
    });
    if (handle) this.notifications.push(handle);
  }
}
