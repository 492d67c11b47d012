import type { LiveCall, TransferRequest } from '../../../../contracts/api';
import { FakeCallControl } from './fake-call-control';
import type { Availability, CallList, CallListQuery, CallRecord, Conversation, ConversationList, MessageList, MessageRecord, Presence, PresenceList, SentMessage, Unseen, Voicemail, VoicemailDeleted, VoicemailList } from '../../../../contracts/api';
import type { ClickToCallProgress } from '../../../../contracts/api/click-to-call';
import { callCursor, callCursorParts } from '../../../../contracts/api/history-cursor';
import type { Api } from '../api';
import { ApiError } from '../api';
import { isMissed, newerFirst } from '../history-store';
import type { NotificationPermissionState, PhoneEnv } from '../env';
import type { ChannelLike, LocksLike } from '../tabs';
import type { AppConfig, Session } from '../types';

export const TEST_CONFIG: AppConfig = {
  mode: 'local',
  teamNumber: '+12025550100',
  defaultCountry: 'US',
  dialAllowedCountries: ['US'],
  deviceOptions: { chunderw: 'localhost:3100', publishEvents: false },
};

export class FakeApi implements Api {
  sessionUser: Session | null = null;
  tokenCount = 0;
  tokenError: unknown = null;
  signOuts = 0;
  users: Record<string, string> = { alice: 'pw', bob: 'pw' };

  async config(): Promise<AppConfig> {
    return TEST_CONFIG;
  }
  async session(): Promise<Session | null> {
    return this.sessionUser;
  }
  async signIn(username: string, password: string): Promise<Session> {
    if (this.users[username] !== password) throw new ApiError('Wrong user name or password.', 401, 'bad_credentials');
    this.sessionUser = { identity: username, colleagues: Object.keys(this.users).filter((u) => u !== username) };
    return this.sessionUser;
  }
  async signOut(): Promise<void> {
    this.signOuts++;
    this.sessionUser = null;
  }
  async token() {
    if (this.tokenError) throw this.tokenError;
    this.tokenCount++;
    return { token: `token-${this.tokenCount}`, identity: this.sessionUser?.identity ?? '', ttl: 3600 };
  }

  // ---- call control, in memory (fake-call-control.ts) ----

  readonly control = new FakeCallControl(() => this.sessionUser?.identity ?? '');
  async liveCalls() {
    return this.control.list();
  }
  holdCall = (id: string): Promise<LiveCall> => this.control.act(id, 'hold', FakeCallControl.setOthers('held'));
  resumeCall = (id: string): Promise<LiveCall> => this.control.act(id, 'resume', FakeCallControl.setOthers('connected'));
  transferCall = (id: string, to: string, mode: TransferRequest['mode']): Promise<LiveCall> =>
    this.control.act(id, `transfer ${to} ${mode}`, FakeCallControl.transfer(to, mode));
  completeTransfer = (id: string): Promise<LiveCall> => this.control.act(id, 'complete', (call) => ((call.ended = true), (call.transfer = null)));
  cancelTransfer = (id: string): Promise<LiveCall> =>
    this.control.act(id, 'cancel', (call, me) => {
      call.parties = call.parties.filter((p) => p.name !== call.transfer?.to);
      call.transfer = null;
      FakeCallControl.setOthers('connected')(call, me);
    });
  addParty = (id: string, to: string): Promise<LiveCall> => this.control.act(id, `add ${to}`, FakeCallControl.add(to));
  parkCall = (id: string): Promise<LiveCall> =>
    this.control.act(id, 'park', (call, me) => (call.parties = call.parties.map((p) => (p.name === me ? { ...p, state: 'parked' } : p))));
  /** The ring-back itself is the test's to simulate (an incoming call with RESUME_PARAM). */
  unparkCall = (id: string): Promise<LiveCall> => this.control.act(id, 'unpark', () => undefined);
  hangUpParked = (id: string): Promise<LiveCall> =>
    this.control.act(id, 'hangup', (call, me) => {
      call.parties = call.parties.map((p) => (p.kind === 'user' && p.name === me ? { ...p, state: 'left' } : p));
      call.ended = true;
    });

  // ---- history and presence, in memory ----

  /** The team's calls (any order); pages are served newest first with the index as cursor. */
  history: CallRecord[] = [];
  team: Presence[] = [
    { user: 'alice', availability: 'available', onCall: false },
    { user: 'bob', availability: 'available', onCall: false },
  ];
  /** Every history query, in order. */
  callQueries: CallListQuery[] = [];
  /** Makes the next history, presence or seen requests fail with this. */
  liveError: unknown = null;
  /** While set, history requests wait for it (to interleave live events with a page in flight). */
  gate: Promise<void> | null = null;
  seenRequests: Array<string | undefined> = [];

  async calls(query: CallListQuery): Promise<CallList> {
    this.callQueries.push(query);
    const answer = this.page(query);
    await this.gate;
    if (this.liveError) throw this.liveError;
    return answer;
  }
  /** The answer as of now (before any gate), as a server computes it when the request arrives. */
  private page({ limit = 30, before, filter = 'all' }: CallListQuery): CallList {
    const all = this.history.filter((r) => filter === 'all' || isMissed(r)).sort(newerFirst);
    // Keyset, as the server pages: the calls older than the cursor's position, whether or not that call still exists.
    const after = before === undefined ? undefined : callCursorParts(before);
    if (before !== undefined && !after) throw new ApiError('The `before` cursor is not one this server gave out; start again without it.', 400, 'bad_request');
    const older = after ? all.filter((r) => newerFirst(r, callRecord(after.id, { startedAt: after.startedAt })) > 0) : all;
    const items = older.slice(0, limit).map((r) => ({ ...r }));
    return { items, nextCursor: older.length > limit ? callCursor(items.at(-1)!) : null };
  }
  async markCallsSeen(upTo?: string): Promise<Unseen> {
    if (this.liveError) throw this.liveError;
    this.seenRequests.push(upTo);
    this.history = this.history.map((r) => (isMissed(r) && (upTo === undefined || r.startedAt <= upTo) ? { ...r, seen: true } : r));
    return this.unseen();
  }
  async unseen(): Promise<Unseen> {
    if (this.liveError) throw this.liveError;
    return { missedCalls: this.history.filter((r) => isMissed(r) && !r.seen).length };
  }
  async presence(): Promise<PresenceList> {
    if (this.liveError) throw this.liveError;
    return { items: this.team.map((p) => ({ ...p })) };
  }
  async setAvailability(availability: Availability): Promise<Presence> {
    if (this.liveError) throw this.liveError;
    const user = this.sessionUser?.identity ?? 'alice';
    const presence = { user, availability, onCall: false };
    this.team = [...this.team.filter((p) => p.user !== user), presence];
    return presence;
  }

  // ---- text messages, in memory ----

  conversationList: Conversation[] = [];
  /** Messages by conversation id, any order; served newest first. */
  texts: Record<string, MessageRecord[]> = {};
  sent: { to: string; body: string }[] = [];
  reads: string[] = [];
  /** Makes the next send fail with this. */
  sendError: unknown = null;

  async conversations(): Promise<ConversationList> {
    if (this.liveError) throw this.liveError;
    return { items: this.conversationList.map((c) => ({ ...c })) };
  }
  async conversationMessages(id: string): Promise<MessageList> {
    if (this.liveError) throw this.liveError;
    const items = [...(this.texts[id] ?? [])].sort((a, b) => Number(b.id) - Number(a.id));
    return { items, nextCursor: null };
  }
  async markConversationRead(id: string): Promise<Unseen> {
    this.reads.push(id);
    this.conversationList = this.conversationList.map((c) => (c.id === id ? { ...c, unread: 0 } : c));
    return { ...(await this.unseen()), messages: this.conversationList.reduce((n, c) => n + c.unread, 0) };
  }
  async sendMessage(to: string, body: string): Promise<SentMessage> {
    if (this.sendError) throw this.sendError;
    this.sent.push({ to, body });
    const conversationId = this.conversationList.find((c) => c.peer === to)?.id ?? String(this.conversationList.length + 1);
    const message = textRecord(String(100 + this.sent.length), { conversationId, peer: to, body, direction: 'outbound', status: 'queued', sentBy: this.sessionUser?.identity ?? 'alice' });
    return { id: message.id, status: message.status, message };
  }

  // ---- voicemail, in memory ----

  /** The team's voicemails, as the server would list them for every user (heard from heardBy). */
  voicemailItems: Voicemail[] = [];
  async voicemails(): Promise<VoicemailList> {
    if (this.liveError) throw this.liveError;
    const user = this.sessionUser?.identity ?? 'alice';
    return { items: this.voicemailItems.map((v) => ({ ...v, heard: v.heardBy.includes(user) })) };
  }
  async markVoicemailHeard(id: string): Promise<Voicemail> {
    if (this.liveError) throw this.liveError;
    const user = this.sessionUser?.identity ?? 'alice';
    const found = this.voicemailItems.find((v) => v.id === id);
    if (!found) throw new ApiError('There is no such voicemail; it may have been deleted.', 404, 'not_found');
    const heardBy = found.heardBy.includes(user) ? found.heardBy : [...found.heardBy, user].sort();
    const updated = { ...found, heardBy, heard: true };
    this.voicemailItems = this.voicemailItems.map((v) => (v.id === id ? updated : v));
    return updated;
  }
  /** Deleted voicemails that can still be restored. */
  deletedVoicemails: Voicemail[] = [];
  async deleteVoicemail(id: string): Promise<VoicemailDeleted> {
    if (this.liveError) throw this.liveError;
    const found = this.voicemailItems.find((v) => v.id === id);
    if (!found) throw new ApiError('There is no such voicemail; it may have been deleted.', 404, 'not_found');
    this.voicemailItems = this.voicemailItems.filter((v) => v.id !== id);
    this.deletedVoicemails.push(found);
    return { id, restorableUntil: new Date(Date.now() + 10_000).toISOString() };
  }
  async restoreVoicemail(id: string): Promise<Voicemail> {
    if (this.liveError) throw this.liveError;
    const found = this.deletedVoicemails.find((v) => v.id === id);
    if (!found) throw new ApiError('It is too late to undo: the recording has been removed.', 409, 'too_late');
    this.deletedVoicemails = this.deletedVoicemails.filter((v) => v.id !== id);
    this.voicemailItems = [...this.voicemailItems, found];
    return found;
  }

  // ---- "Call via my phone", in memory ----

  personal: string | null = null;
  clickToCalls: string[] = [];
  hungUp: string[] = [];
  async personalNumber(): Promise<string | null> {
    return this.personal;
  }
  async setPersonalNumber(personalNumber: string | null): Promise<string | null> {
    if (personalNumber !== null && !/^\+\d{8,15}$/.test(personalNumber)) {
      throw new ApiError('That is not a valid phone number. Check it and try again.', 400, 'bad_request');
    }
    this.personal = personalNumber;
    return personalNumber;
  }
  async clickToCall(to: string): Promise<ClickToCallProgress> {
    if (this.personal === null) throw new ApiError('Add your phone number in Settings first.', 409, 'no_personal_number');
    this.clickToCalls.push(to);
    return { callSid: `CA${String(this.clickToCalls.length).padStart(32, '0')}`, to, via: this.personal, stage: 'calling-you', reason: null };
  }
  async hangUpClickToCall(callSid: string): Promise<void> {
    this.hungUp.push(callSid);
  }
}

/** A text message with sensible defaults: an inbound one in conversation 1. */
export function textRecord(id: string, change: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id,
    conversationId: '1',
    direction: 'inbound',
    peer: '+14155550123',
    body: `text ${id}`,
    mediaCount: 0,
    media: [],
    status: 'received',
    errorCode: null,
    sentBy: null,
    at: new Date(Date.UTC(2026, 0, 1, 10, Number(id) % 60)).toISOString(),
    ...change,
  };
}

/** A call record with sensible defaults: an inbound call missed at `startedAt`. */
export function callRecord(id: string, change: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    direction: 'inbound',
    from: '+12025550123',
    to: '+12025550100',
    outcome: 'missed',
    answeredBy: null,
    startedAt: '2025-03-01T10:00:00.000Z',
    answeredAt: null,
    endedAt: '2025-03-01T10:00:30.000Z',
    durationSeconds: null,
    seen: false,
    calledBackBy: null,
    calledBackAt: null,
    ...change,
  };
}

/** An in-memory BroadcastChannel hub shared by the "tabs" of one test. */
export class ChannelHub {
  private readonly members = new Map<string, Set<ChannelLike>>();
  create = (name: string): ChannelLike => {
    const set = this.members.get(name) ?? new Set<ChannelLike>();
    this.members.set(name, set);
    const channel: ChannelLike = {
      onmessage: null,
      postMessage: (data) => {
        for (const other of set) if (other !== channel) other.onmessage?.({ data } as MessageEvent);
      },
      close: () => set.delete(channel),
    };
    set.add(channel);
    return channel;
  };
}

/** Web Locks with the one behaviour we use: an exclusive lock granted in request order. */
export class FakeLocks implements LocksLike {
  private readonly queues = new Map<string, Array<{ grant: () => void; signal?: AbortSignal }>>();
  private readonly held = new Set<string>();

  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.held.add(name);
        callback().then(
          (v) => {
            this.held.delete(name);
            this.next(name);
            resolve(v);
          },
          reject,
        );
      };
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      options.signal?.addEventListener('abort', () => {
        const i = queue.findIndex((q) => q.grant === grant);
        if (i >= 0) queue.splice(i, 1);
        reject(new Error('aborted'));
      });
      if (this.held.has(name)) queue.push({ grant, signal: options.signal });
      else grant();
    });
  }

  private next(name: string): void {
    const queue = this.queues.get(name);
    const waiter = queue?.shift();
    waiter?.grant();
  }
}

export interface FakeEnv extends PhoneEnv {
  fire(target: 'window' | 'document', type: string): void;
  /** Page listeners in place (window and document). */
  listenerCount(): number;
  runTimers(): void;
  hidden: boolean;
  online: boolean;
  time: number;
  notifications: Array<{ title: string; body: string; closed: boolean }>;
  permission: NotificationPermissionState;
  store: Map<string, string>;
}

export function fakeEnv(shared: { hub?: ChannelHub; locks?: FakeLocks; store?: Map<string, string> } = {}): FakeEnv {
  const listeners = new Map<string, Set<() => void>>();
  const timers = new Map<number, () => void>();
  let timerId = 0;
  const store = shared.store ?? new Map<string, string>();
  const env: FakeEnv = {
    hidden: false,
    online: true,
    time: 1_000,
    notifications: [],
    permission: 'default',
    store,
    now: () => env.time,
    setTimeout(fn) {
      const id = ++timerId;
      timers.set(id, fn);
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    listen(target, type, fn) {
      const key = `${target}:${type}`;
      const set = listeners.get(key) ?? new Set();
      listeners.set(key, set);
      set.add(fn);
      return () => set.delete(fn);
    },
    fire(target, type) {
      listeners.get(`${target}:${type}`)?.forEach((fn) => fn());
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    runTimers() {
      const pending = [...timers.entries()];
      timers.clear();
      pending.forEach(([, fn]) => fn());
    },
    isHidden: () => env.hidden,
    isOnline: () => env.online,
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    tabs: { createChannel: shared.hub?.create, locks: shared.locks },
    notificationPermission: () => env.permission,
    async requestNotificationPermission() {
      env.permission = 'granted';
      return 'granted';
    },
    notify(title, body) {
      if (env.permission !== 'granted') return null;
      const n = { title, body, closed: false };
      env.notifications.push(n);
      return { close: () => void (n.closed = true) };
    },
  };
  return env;
}
