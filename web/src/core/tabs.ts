/**
 * Coordinates the tabs one person has open. Every tab keeps its own registered Device (so any tab
 * can answer), but only the leader rings, notifies and holds the live event stream, which it relays
 * to the others (shared-stream.ts); a decision taken in one tab is broadcast so the others close
 * their incoming-call dialog.
 */
export type TabDecision = 'answered' | 'rejected' | 'ignored';

export interface TabMessage {
  type: TabDecision;
  callSid: string;
  from: string;
  tab: string;
}

/** Anything else the tabs tell each other, by topic (the shared event stream's relays). */
export interface TabRelay {
  type: 'relay';
  topic: string;
  body: unknown;
  tab: string;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface LocksLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown>): Promise<unknown>;
}

export interface TabEnv {
  createChannel?: (name: string) => ChannelLike;
  locks?: LocksLike;
  tabId?: string;
}

/** Whether a message from another tab is about this call: by CallSid when both know it, else by caller. */
export function isSameCall(message: TabMessage, callSid: string, from: string): boolean {
  return message.callSid && callSid ? message.callSid === callSid : message.from === from;
}

export class TabCoordinator {
  readonly tabId: string;
  private leader = false;
  private readonly channel: ChannelLike | null;
  private readonly abort = new AbortController();
  private releaseLock: (() => void) | null = null;
  private readonly leaderListeners = new Set<(leader: boolean) => void>();
  private readonly messageListeners = new Set<(message: TabMessage) => void>();
  private readonly relayListeners = new Set<(relay: TabRelay) => void>();
  private readonly elects: boolean;

  constructor(identity: string, env: TabEnv) {
    this.tabId = env.tabId ?? Math.random().toString(36).slice(2);
    const name = `softphone:${identity}`;
    this.channel = env.createChannel ? env.createChannel(name) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => {
        const message = event.data as TabMessage | TabRelay;
        if (!message || message.tab === this.tabId) return;
        if (message.type === 'relay') this.relayListeners.forEach((l) => l(message));
        else this.messageListeners.forEach((l) => l(message));
      };
    }
    this.elects = Boolean(env.locks && this.channel);
    if (env.locks) {
      // The lock is held for the life of the tab; when the leader closes, the next waiting tab gets it.
      env.locks
        .request(`${name}:leader`, { signal: this.abort.signal }, () => {
          this.setLeader(true);
          return new Promise<void>((resolve) => {
            this.releaseLock = resolve;
          });
        })
        .catch(() => undefined);
    } else {
      // Without Web Locks every tab behaves as if alone: better two ringtones than none.
      this.leader = true;
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** One leader is elected and can reach the others: what one tab receives it can pass on to all. */
  get shares(): boolean {
    return this.elects;
  }

  onLeaderChange(listener: (leader: boolean) => void): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  onMessage(listener: (message: TabMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  announce(type: TabDecision, callSid: string, from: string): void {
    this.channel?.postMessage({ type, callSid, from, tab: this.tabId } satisfies TabMessage);
  }

  onRelay(listener: (relay: TabRelay) => void): () => void {
    this.relayListeners.add(listener);
    return () => this.relayListeners.delete(listener);
  }

  relay(topic: string, body: unknown): void {
    this.channel?.postMessage({ type: 'relay', topic, body, tab: this.tabId } satisfies TabRelay);
  }

  close(): void {
    this.abort.abort();
    this.releaseLock?.();
    this.releaseLock = null;
    this.setLeader(false);
    this.channel?.close();
    this.leaderListeners.clear();
    this.messageListeners.clear();
    this.relayListeners.clear();
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.leaderListeners.forEach((l) => l(leader));
  }
}
