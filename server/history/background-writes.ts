/**
 * History writes a caller does not wait for (the voice webhook, the <Dial> action): a few at a time, with
 * a bounded backlog, so a burst of calls cannot take every database connection from the status callbacks
 * that must be written before they are acknowledged. What fails or overflows is left to healing.
 */
import type { StoreLogger } from '../store/database';
import type { CallFact } from './facts';
import type { HistoryRepository } from './repository';

export class BackgroundWrites {
  private running = 0;
  private readonly queue: CallFact[] = [];
  private idleWaiters: (() => void)[] = [];
  private dropped = 0;

  constructor(
    private readonly history: HistoryRepository,
    private readonly failed: () => void,
    private readonly log: StoreLogger,
    private readonly limits = { concurrency: 3, backlog: 2000 },
  ) {}

  add(fact: CallFact): void {
    if (this.queue.length >= this.limits.backlog) {
      if (this.dropped++ === 0) this.log.warn({ event: 'history-backlog-full', backlog: this.limits.backlog }, 'call history writes dropped; healing fills them in later');
      this.failed();
      return;
    }
    this.queue.push(fact);
    this.next();
  }

  private next(): void {
    while (this.running < this.limits.concurrency && this.queue.length > 0) {
      const fact = this.queue.shift()!;
      this.running++;
      this.history
        .record([fact])
        .catch((err: unknown) => {
          this.failed();
          this.log.warn({ event: 'history-write-failed', callSid: fact.call, kind: fact.kind, reason: (err as Error).message }, 'call history not written; it heals later');
        })
        .finally(() => {
          this.running--;
          if (this.queue.length === 0 && this.running === 0) {
            this.dropped = 0;
            for (const w of this.idleWaiters.splice(0)) w();
          }
          this.next();
        });
    }
  }

  /** Resolves once everything queued has been tried. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
