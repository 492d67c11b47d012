export interface LogEntry {
  at: number;
  text: string;
}

/** The device log: a bounded list that its panel subscribes to on its own, so logging never re-renders the app. */
export class LogStore {
  private entries: readonly LogEntry[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly limit = 500,
    private readonly now: () => number = Date.now,
  ) {}

  add(text: string): void {
    const next = [...this.entries, { at: this.now(), text }];
    this.entries = next.length > this.limit ? next.slice(next.length - this.limit) : next;
    this.listeners.forEach((l) => l());
  }

  clear(): void {
    this.entries = [];
    this.listeners.forEach((l) => l());
  }

  getEntries = (): readonly LogEntry[] => this.entries;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function formatLogEntry(entry: LogEntry): string {
  return `${new Date(entry.at).toISOString()} ${entry.text}`;
}
