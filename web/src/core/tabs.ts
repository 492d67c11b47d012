/**
 * Coordinates the tabs one person has open. Every tab keeps its own registered Device (so any tab
 * can answer), but only the leader rings and notifies; a decision taken in one tab is broadcast so
 * the others close their incoming-call dialog.
 */
export type TabDecision = 'answered' | 'rejected' | 'ignored';

export interface TabMessage {
  type: TabDecision;
  callSid: string;
  from: string;
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

  constructor(identity: string, env: TabEnv) {
    this.tabId = env.tabId ?? Math.random().toString(36).slice(2);
    const name = `softphone:${identity}`;
    this.channel = env.createChannel ? env.createChannel(name) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => {
        const message = event.data as TabMessage;
        if (message && message.tab !== this.tabId) this.messageListeners.forEach((l) => l(message));
      };
    }
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

  close(): void {
    this.abort.abort();
    this.releaseLock?.();
    this.releaseLock = null;
    this.setLeader(false);
    this.channel?.close();
    this.leaderListeners.clear();
    this.messageListeners.clear();
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.leaderListeners.forEach((l) => l(leader));
  }
}
