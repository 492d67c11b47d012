/**
 * The team's text conversations as this tab shows them: the list (most recent first, each with this
 * user's unread count), the conversation that is open and its messages, and sending. Kept current by the
 * live `conversation` and `message` events; an open conversation is marked read while the tab is visible,
 * so the badge clears on every device at once.
 */
import type { Conversation, MessageRecord, Unseen } from '../../../contracts/api';
import type { Api } from './api';
import { messageOf } from './reasons';
import { refusalOf, type Refusal } from './refusal';

export interface MessagesView {
  conversations: readonly Conversation[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The open conversation, or a number a new conversation is being started with. */
  open: { id: string | null; peer: string } | null;
  /** The open conversation's messages, oldest first. */
  thread: readonly MessageRecord[];
  threadStatus: 'idle' | 'loading' | 'ready' | 'error';
}

export interface MessagesDeps {
  api: Pick<Api, 'conversations' | 'conversationMessages' | 'markConversationRead' | 'sendMessage'>;
  isHidden(): boolean;
  log(line: string): void;
  /** The counts after a read, for the badges. */
  unseen(unseen: Unseen): void;
  /** A refused send in the app's language (default: the server's sentence). */
  refusal?(refusal: Refusal): string;
}

/** Ids of bubbles for texts the server refused: they were never stored, so they have no id of its own. */
const LOCAL = 'local-';

const INITIAL: MessagesView = { conversations: [], status: 'idle', error: null, open: null, thread: [], threadStatus: 'idle' };

const recentFirst = (a: Conversation, b: Conversation) => (a.lastAt !== b.lastAt ? (a.lastAt < b.lastAt ? 1 : -1) : Number(b.id) - Number(a.id));
/** Stored messages by id; a refused one (never stored) after them, in the order they were tried. */
const order = (id: string) => (id.startsWith(LOCAL) ? Number.MAX_SAFE_INTEGER / 2 + Number(id.slice(LOCAL.length)) : Number(id));
const oldestFirst = (a: MessageRecord, b: MessageRecord) => order(a.id) - order(b.id);

export class MessagesStore {
  private view: MessagesView = INITIAL;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every open: answers for a conversation opened earlier are dropped. */
  private generation = 0;

  constructor(private readonly deps: MessagesDeps) {}

  getView = (): MessagesView => this.view;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(change: Partial<MessagesView>): void {
    this.view = { ...this.view, ...change };
    this.listeners.forEach((l) => l());
  }

  clear(): void {
    this.generation++;
    this.set(INITIAL);
  }

  async load(): Promise<void> {
    if (this.view.status !== 'ready') this.set({ status: 'loading', error: null });
    try {
      const list = await this.deps.api.conversations();
      this.set({ conversations: [...list.items].sort(recentFirst), status: 'ready', error: null });
      const open = this.view.open;
      if (open?.id) await this.open(open.id);
    } catch (error) {
      this.set({ status: 'error', error: messageOf(error) });
    }
  }

  /** Opens a conversation by id; null closes it. */
  async open(id: string | null): Promise<void> {
    const generation = ++this.generation;
    if (id === null) return this.set({ open: null, thread: [], threadStatus: 'idle' });
    const peer = this.view.conversations.find((c) => c.id === id)?.peer ?? this.view.open?.peer ?? '';
    const same = this.view.open?.id === id;
    this.set({ open: { id, peer }, ...(same ? {} : { thread: [], threadStatus: 'loading' as const }) });
    try {
      const page = await this.deps.api.conversationMessages(id);
      if (generation !== this.generation) return;
      this.set({ thread: mergeMessages(this.view.thread, page.items), threadStatus: 'ready' });
      this.markRead(id);
    } catch (error) {
      if (generation !== this.generation) return;
      this.set({ threadStatus: 'error' });
      this.deps.log(`Could not load the conversation: ${messageOf(error)}`);
    }
  }

  /** Starts (or opens, if there is one) the conversation with a number. */
  startWith(peer: string): Promise<void> {
    const known = this.view.conversations.find((c) => c.peer === peer);
    if (known) return this.open(known.id);
    this.generation++;
    this.set({ open: { id: null, peer }, thread: [], threadStatus: 'ready' });
    return Promise.resolve();
  }

  private refused = 0;

  /**
   * Sends a text; returns why it failed, in words, or null. A refused text stays in the open conversation
   * as a failed bubble with Retry; retrying it (`replaces`, its id) takes its place.
   */
  async send(to: string, body: string, replaces?: string): Promise<string | null> {
    if (replaces?.startsWith(LOCAL)) this.set({ thread: this.view.thread.filter((m) => m.id !== replaces) });
    try {
      const sent = await this.deps.api.sendMessage(to, body);
      const message = sent.message;
      if (!message) return null;
      if (this.view.open && this.view.open.id === null && this.view.open.peer === to) {
        this.set({ open: { id: message.conversationId, peer: message.peer } });
      }
      this.upsertMessage(message);
      return null;
    } catch (error) {
      const refusal = refusalOf(error);
      const open = this.view.open;
      if (open && open.peer === to) {
        this.refused += 1;
        const bubble: MessageRecord = {
          id: `${LOCAL}${this.refused}`, conversationId: open.id ?? '', direction: 'outbound', peer: to, body, mediaCount: 0, media: [],
          status: 'failed', errorCode: refusal.twilioCode, sentBy: null, at: new Date().toISOString(),
        };
        this.set({ thread: mergeMessages(this.view.thread, [bubble]) });
      }
      return this.deps.refusal ? this.deps.refusal(refusal) : refusal.text;
    }
  }

  upsertConversation(conversation: Conversation): void {
    const others = this.view.conversations.filter((c) => c.id !== conversation.id);
    const open = this.view.open;
    // A conversation started from a number gets its id once its first message is stored.
    const adopt = open && open.id === null && open.peer === conversation.peer;
    this.set({ conversations: [...others, conversation].sort(recentFirst), ...(adopt ? { open: { id: conversation.id, peer: conversation.peer } } : {}) });
    if (conversation.unread > 0 && this.view.open?.id === conversation.id) this.markRead(conversation.id);
  }

  upsertMessage(message: MessageRecord): void {
    if (this.view.open?.id !== message.conversationId) return;
    this.set({ thread: mergeMessages(this.view.thread, [message]) });
  }

  private markRead(id: string): void {
    const conversation = this.view.conversations.find((c) => c.id === id);
    if (!conversation || conversation.unread === 0 || this.deps.isHidden()) return;
    this.deps.api.markConversationRead(id).then(
      (unseen) => {
        this.deps.unseen(unseen);
        this.set({ conversations: this.view.conversations.map((c) => (c.id === id ? { ...c, unread: 0 } : c)) });
      },
      (error: unknown) => this.deps.log(`Could not mark the conversation read: ${messageOf(error)}`),
    );
  }
}

/** How far along a state is; the answer to a send can arrive after the event that moved it on. */
const STAGE: Record<MessageRecord['status'], number> = { queued: 1, sending: 2, sent: 3, undelivered: 4, failed: 4, delivered: 5, received: 5 };

/** The thread with these messages in it: a version further along replaces the other. */
function mergeMessages(thread: readonly MessageRecord[], incoming: readonly MessageRecord[]): MessageRecord[] {
  const byId = new Map(thread.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    if (!known || STAGE[m.status] >= STAGE[known.status]) byId.set(m.id, m);
  }
  return [...byId.values()].sort(oldestFirst);
}
