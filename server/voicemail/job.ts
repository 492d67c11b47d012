/**
 * What the voicemail's stored jobs (purge.ts, copy.ts) share: the due rows live in PostgreSQL, so a run
 * finds what a restart, a retry or another replica left due. A run goes now, every interval while the
 * database is up, and at a given moment when asked; one at a time, and one asked for meanwhile follows it.
 */
import type { StoreHealth, StoreLogger } from '../store/database';

const FIRST_RETRY_MS = 30_000;
const LAST_RETRY_MS = 3600_000;

/** The wait before attempt n + 1 after n failed: 30 s, doubling, at most an hour. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failedAttempts - 1, 20)));
}

export abstract class StoredJob<R> {
  private timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<R> | undefined;
  private again = false;
  protected stopped = false;

  constructor(
    protected readonly log: StoreLogger,
    private readonly intervalMs: number,
    /** What a run that could not reach the database returns. */
    private readonly nothing: () => R,
    private readonly failedEvent: string,
  ) {}

  /** Takes the due rows and works through them; rejects only when the database could not be asked. */
  protected abstract runDue(): Promise<R>;

  /** Runs now (what a restart left due) and every interval while the database is up. */
  start(health: StoreHealth): void {
    const tick = () => {
      if (health.status !== 'degraded') void this.run();
    };
    tick();
    if (this.intervalMs > 0) {
      this.interval = setInterval(tick, this.intervalMs);
      this.interval.unref();
    }
  }

  /** Runs once `at` has passed, so due work is done without waiting for the interval. */
  runAt(at: Date): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        void this.run();
      },
      Math.max(0, at.getTime() - Date.now()) + 50,
    );
    t.unref();
    this.timers.add(t);
  }

  /** One run at a time; a run asked for meanwhile follows it. Never rejects: failures are logged. */
  run(): Promise<R> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runDue()
      .catch((err: unknown) => {
        this.log.warn({ event: this.failedEvent, reason: (err as Error).message }, 'a voicemail job waits for the database');
        return this.nothing();
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.run();
        }
      });
    return this.running;
  }

  /** Resolves once no run is going and none is waiting to follow. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.interval) clearInterval(this.interval);
    await this.running;
  }
}
