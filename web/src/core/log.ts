export interface LogEntry {
  /** Increases by one per line added, so a list can key its rows by it. */
  id: number;
  at: number;
  text: string;
}

/** What the device log panel shows: the kept entries, oldest first, and how many older ones were dropped. */
export interface LogView {
  readonly entries: readonly LogEntry[];
  /** Entries dropped to stay within `limit` since the log was last cleared. */
  readonly dropped: number;
  readonly limit: number;
}

/** How many entries the device log keeps: a working day of calls, and still a quick copy for a ticket. */
export const LOG_LIMIT = 500;

/**
 * The device log: the last `limit` lines in a ring buffer that its panel subscribes to on its own, so
 * logging never re-renders the app. A tab that stays open for days logs every call; adding a line costs
 * the same however long the log is, and the ordered view the panel reads is built only when read.
 */
export class LogStore {
  private readonly ring: LogEntry[] = [];
  /** Index in `ring` of the oldest entry once the ring is full. */
  private head = 0;
  private dropped = 0;
  private nextId = 1;
  private view: LogView | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly limit = LOG_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  add(text: string): void {
    const entry = { id: this.nextId++, at: this.now(), text };
    if (this.ring.length < this.limit) {
      this.ring.push(entry);
    } else {
      this.ring[this.head] = entry;
      this.head = (this.head + 1) % this.limit;
      this.dropped++;
    }
    this.changed();
  }

  clear(): void {
    this.ring.length = 0;
    this.head = 0;
    this.dropped = 0;
    this.changed();
  }

  /** The same object until the log changes (useSyncExternalStore). */
  getView = (): LogView => {
    this.view ??= {
      entries: this.head === 0 ? this.ring.slice() : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)],
      dropped: this.dropped,
      limit: this.limit,
    };
    return this.view;
  };

  getEntries = (): readonly LogEntry[] => this.getView().entries;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.view = null;
    this.listeners.forEach((l) => l());
  }
}

export function formatLogEntry(entry: LogEntry): string {
  return `${new Date(entry.at).toISOString()} ${entry.text}`;
}
