/**
 * Which of a person's tabs hold a call. Two things need to know: the phone (busy is per person, so a
 * tab that does not hold the call shows a second call quietly; busy-tabs.ts) and the headset, which
 * follows the tab with the call (headset-focus.ts). Each uses its own topic, so each has its own channel.
 *
 * A tab holding a call says so on a BroadcastChannel and holds a Web Lock named after itself for as
 * long as the call lasts. The others wait on that lock, so a tab that closes or crashes mid-call hands
 * the headset back even though it never said goodbye. A tab that opens later asks who holds a call.
 */
import type { ChannelLike, TabEnv } from './tabs';

type FocusMessage = { type: 'claim' | 'release'; tab: string } | { type: 'query'; tab: string };

export class TabCalls {
  private readonly channel: ChannelLike | null;
  private readonly others = new Map<string, AbortController>();
  private releaseOwn: (() => void) | null = null;
  private holding = false;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly topic: string,
    private readonly tabId: string,
    private readonly env: TabEnv,
    private readonly changed: () => void,
  ) {
    this.channel = env.createChannel ? env.createChannel(`${name}:${topic}`) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => this.onMessage(event.data as FocusMessage);
      this.post({ type: 'query', tab: tabId });
    }
  }

  /** Another tab of this person has a call. */
  get otherTabHoldsCall(): boolean {
    return this.others.size > 0;
  }

  /** This tab started or ended holding a call. */
  setHoldingCall(holding: boolean): void {
    if (this.holding === holding || this.closed) return;
    this.holding = holding;
    if (holding) void this.claim();
    else {
      this.releaseOwn?.();
      this.releaseOwn = null;
      this.post({ type: 'release', tab: this.tabId });
    }
  }

  close(): void {
    this.setHoldingCall(false);
    this.closed = true;
    this.others.forEach((abort) => abort.abort());
    this.others.clear();
    this.channel?.close();
  }

  private async claim(): Promise<void> {
    const { locks } = this.env;
    if (locks) {
      // Announce only once the lock is held, so whoever waits on it really waits for this call.
      await new Promise<void>((granted) => {
        locks
          .request(this.lockName(this.tabId), {}, () => {
            granted();
            return new Promise<void>((release) => {
              this.releaseOwn = release;
            });
          })
          .catch(() => granted());
      });
      if (!this.holding) {
        this.releaseOwn?.();
        this.releaseOwn = null;
        return;
      }
    }
    this.post({ type: 'claim', tab: this.tabId });
  }

  private onMessage(message: FocusMessage): void {
    if (!message || message.tab === this.tabId || this.closed) return;
    if (message.type === 'query') {
      if (this.holding) this.post({ type: 'claim', tab: this.tabId });
    } else if (message.type === 'claim') {
      if (this.others.has(message.tab)) return;
      const abort = new AbortController();
      this.others.set(message.tab, abort);
      this.changed();
      // Granted once that tab releases its lock: its call ended, or the tab is gone.
      this.env.locks
        ?.request(this.lockName(message.tab), { signal: abort.signal }, async () => this.forget(message.tab, abort))
        .catch(() => undefined);
    } else {
      this.forget(message.tab, this.others.get(message.tab));
    }
  }

  private forget(tab: string, abort: AbortController | undefined): void {
    if (!abort || this.others.get(tab) !== abort) return;
    abort.abort();
    this.others.delete(tab);
    if (!this.closed) this.changed();
  }

  private lockName(tab: string): string {
    return `${this.name}:${this.topic}-call:${tab}`;
  }

  private post(message: FocusMessage): void {
    this.channel?.postMessage(message);
  }
}
