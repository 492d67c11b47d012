/**
 * The call history as this tab shows it: the pages loaded so far (newest first), the filter, and the
 * records, kept current by live `call` events. Rendering stays cheap: the view (ids, status) changes
 * only when rows come, go or move, and each row reads its own record, so an update to one call
 * re-renders one row, never the list.
 *
 * Live updates and pages race: a page requested before an event and answered after it may hold the
 * older version of that call. While a request is out, each record an event sets remembers when; a page
 * answer never replaces a record an event has set since the page was requested.
 *
 * A tab stays open all day and every call adds a row live, so the list keeps a bounded window: as many
 * rows as the pages the person has loaded. A new row pushes the oldest one out, and "Show older calls"
 * fetches it again from just after the oldest row kept (callCursor). Nothing here grows with the calls
 * of the day.
 */
import type { CallList, CallListQuery, CallRecord } from '../../../contracts/api';
import { callCursor } from '../../../contracts/api/history-cursor';
import { messageOf } from './reasons';

export type HistoryFilter = 'all' | 'missed';

export interface HistoryView {
  filter: HistoryFilter;
  /** The rows, newest first. */
  ids: readonly string[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the last request failed, in words (first page or next page). */
  error: string | null;
  /** The server has older calls than the ones loaded. */
  hasMore: boolean;
  loadingMore: boolean;
}

export const PAGE_SIZE = 30;

const INITIAL_VIEW: HistoryView = { filter: 'all', ids: [], status: 'idle', error: null, hasMore: false, loadingMore: false };

export function isMissed(record: Pick<CallRecord, 'outcome'>): boolean {
  return record.outcome === 'missed' || record.outcome === 'voicemail';
}

export function matchesFilter(record: CallRecord, filter: HistoryFilter): boolean {
  return filter === 'all' || isMissed(record);
}

/** Newest first; the id breaks ties so the order is total. */
export function newerFirst(a: CallRecord, b: CallRecord): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export type FetchPage = (query: CallListQuery) => Promise<CallList>;

export class HistoryStore {
  private view: HistoryView = INITIAL_VIEW;
  private readonly records = new Map<string, CallRecord>();
  /** The live-update sequence number at which an event last set each record, kept only while a page is on its way. */
  private readonly liveAt = new Map<string, number>();
  private liveSeq = 0;
  /** Page requests on their way: only they need `liveAt`. */
  private pending = 0;
  private cursor: string | null = null;
  /** How many rows the person has loaded (a page per load or "Show older calls"): the most the list keeps. */
  private window: number;
  /** Bumped by every first-page load: answers to earlier requests are dropped. */
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly pageSize = PAGE_SIZE,
  ) {
    this.window = pageSize;
  }

  getView = (): HistoryView => this.view;

  getRecord = (id: string): CallRecord | undefined => this.records.get(id);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The newest loaded missed call (for "seen up to"), if any. */
  newestMissed(): CallRecord | undefined {
    let newest: CallRecord | undefined;
    for (const record of this.records.values()) if (isMissed(record) && (!newest || newerFirst(record, newest) < 0)) newest = record;
    return newest;
  }

  /** Some loaded call is not seen yet. */
  hasUnseen(): boolean {
    for (const record of this.records.values()) if (!record.seen) return true;
    return false;
  }

  /** Loads the first page (of `filter`, or of the current one); rows already shown stay until it answers. */
  async load(filter: HistoryFilter = this.view.filter): Promise<void> {
    const generation = ++this.generation;
    const since = this.liveSeq;
    if (filter !== this.view.filter) {
      this.records.clear();
      this.liveAt.clear();
      this.setView({ filter, ids: [], status: 'loading', error: null, hasMore: false, loadingMore: false });
    } else {
      this.setView({ ...this.view, status: 'loading', error: null, loadingMore: false });
    }
    this.pending++;
    try {
      const page = await this.fetchPage({ limit: this.pageSize, filter });
      if (generation !== this.generation) return;
      // Calls set by events since the request stay as the events left them; older rows go.
      const kept = [...this.records.values()].filter((r) => (this.liveAt.get(r.id) ?? -1) > since);
      this.records.clear();
      for (const record of page.items) this.records.set(record.id, record);
      for (const record of kept) this.records.set(record.id, record);
      this.cursor = page.nextCursor;
      const boundary = page.nextCursor === null ? undefined : page.items.at(-1);
      for (const record of kept) if (!this.belongs(record, filter, boundary)) this.records.delete(record.id);
      this.window = this.pageSize;
      this.setView({ ...this.view, ...this.rows(page.nextCursor !== null), status: 'ready', error: null });
    } catch (error) {
      if (generation !== this.generation) return;
      this.setView({ ...this.view, status: 'error', error: messageOf(error) });
    } finally {
      this.settled();
    }
  }

  /** Loads the next older page (infinite scroll); does nothing while one is on its way or at the end. */
  async loadMore(): Promise<void> {
    const { status, hasMore, loadingMore, filter } = this.view;
    if (status !== 'ready' || !hasMore || loadingMore || this.cursor === null) return;
    const generation = this.generation;
    const since = this.liveSeq;
    this.setView({ ...this.view, loadingMore: true, error: null });
    const before = this.cursor;
    this.pending++;
    try {
      const page = await this.fetchPage({ limit: this.pageSize, before, filter });
      if (generation !== this.generation) return;
      if (this.cursor !== before) {
        // New rows pushed the oldest ones out meanwhile: this page no longer continues the list.
        this.setView({ ...this.view, loadingMore: false });
        return;
      }
      for (const record of page.items) {
        if ((this.liveAt.get(record.id) ?? -1) > since) continue;
        if (matchesFilter(record, filter)) this.records.set(record.id, record);
      }
      this.cursor = page.nextCursor;
      this.window += this.pageSize;
      this.setView({ ...this.view, ...this.rows(page.nextCursor !== null), loadingMore: false });
    } catch (error) {
      if (generation !== this.generation) return;
      this.setView({ ...this.view, loadingMore: false, error: messageOf(error) });
    } finally {
      this.settled();
    }
  }

  /** A call added or changed on the server (a live event). */
  upsert(record: CallRecord): void {
    this.liveSeq++;
    if (this.pending > 0) this.liveAt.set(record.id, this.liveSeq);
    const known = this.records.get(record.id);
    const boundary = this.view.hasMore && !known ? this.oldestLoaded() : undefined;
    if (!this.belongs(record, this.view.filter, boundary)) {
      if (known) {
        this.records.delete(record.id);
        this.setView({ ...this.view, ids: this.view.ids.filter((id) => id !== record.id) });
      }
      return;
    }
    this.records.set(record.id, record);
    if (!known || known.startedAt !== record.startedAt) this.setView({ ...this.view, ...this.rows(this.view.hasMore) });
    else this.notify();
  }

  /** Marks missed calls seen here (up to `upTo`, else all), as the server has on every device. */
  markSeen(upTo?: string): void {
    let changed = false;
    for (const record of this.records.values()) {
      if (record.seen || (upTo !== undefined && record.startedAt > upTo)) continue;
      this.records.set(record.id, { ...record, seen: true });
      changed = true;
    }
    if (changed) this.notify();
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.generation++;
    this.records.clear();
    this.liveAt.clear();
    this.cursor = null;
    this.window = this.pageSize;
    this.setView(INITIAL_VIEW);
  }

  /** Whether a record has its place among the loaded rows (older ones arrive with their page). */
  private belongs(record: CallRecord, filter: HistoryFilter, boundary: CallRecord | undefined): boolean {
    return matchesFilter(record, filter) && (boundary === undefined || newerFirst(record, boundary) <= 0);
  }

  private oldestLoaded(): CallRecord | undefined {
    const id = this.view.ids.at(-1);
    return id === undefined ? undefined : this.records.get(id);
  }

  /**
   * The rows in order, at most the window: rows beyond it are let go, and the list continues after the
   * oldest row kept (so there is more to show). `hasMore`: whether the server has older rows anyway.
   */
  private rows(hasMore: boolean): Pick<HistoryView, 'ids' | 'hasMore'> {
    const sorted = [...this.records.values()].sort(newerFirst);
    if (sorted.length <= this.window) return { ids: sorted.map((r) => r.id), hasMore };
    for (const dropped of sorted.splice(this.window)) this.records.delete(dropped.id);
    this.cursor = callCursor(sorted.at(-1)!);
    return { ids: sorted.map((r) => r.id), hasMore: true };
  }

  /** A page request has ended: with none left on its way, no answer can be older than an event. */
  private settled(): void {
    if (--this.pending === 0) this.liveAt.clear();
  }

  private setView(view: HistoryView): void {
    this.view = view;
    this.notify();
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}
