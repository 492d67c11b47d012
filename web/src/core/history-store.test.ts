import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../contracts/api';
import { HistoryStore, matchesFilter, newerFirst } from './history-store';
import { callCursor } from '../../../contracts/api/history-cursor';
import { ApiError } from './api';
import { FakeApi, callRecord } from './testing/fake-env';

/** Calls c1 … cN, one minute apart, c1 the oldest. */
function calls(n: number, change: (i: number) => Partial<CallRecord> = () => ({})): CallRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return callRecord(`c${i}`, { startedAt: new Date(Date.UTC(2025, 2, 1, 10, i)).toISOString(), ...change(i) });
  });
}

function store(records: CallRecord[], pageSize = 3) {
  const api = new FakeApi();
  api.history = records;
  return { api, history: new HistoryStore((q) => api.calls(q), pageSize) };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('history order and filter', () => {
  it('orders newest first, ties by id', () => {
    const a = callRecord('a', { startedAt: '2025-01-01T00:00:00.000Z' });
    const b = callRecord('b', { startedAt: '2025-01-02T00:00:00.000Z' });
    const c = callRecord('c', { startedAt: '2025-01-02T00:00:00.000Z' });
    expect([a, b, c].sort(newerFirst).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it.each([
    ['missed', 'missed', true],
    ['voicemail', 'missed', true],
    ['answered', 'missed', false],
    ['no-answer', 'missed', false],
    ['answered', 'all', true],
  ] as const)('%s under %s: %s', (outcome, filter, shown) => {
    expect(matchesFilter(callRecord('x', { outcome }), filter)).toBe(shown);
  });
});

describe('HistoryStore', () => {
  it('loads pages newest first until the end', async () => {
    const { api, history } = store(calls(7));
    await history.load();
    expect(history.getView()).toMatchObject({ ids: ['c7', 'c6', 'c5'], status: 'ready', hasMore: true });
    await history.loadMore();
    await history.loadMore();
    expect(history.getView()).toMatchObject({ ids: ['c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1'], hasMore: false });
    await history.loadMore();
    expect(api.callQueries).toEqual([
      { limit: 3, filter: 'all' },
      { limit: 3, before: callCursor(history.getRecord('c5')!), filter: 'all' },
      { limit: 3, before: callCursor(history.getRecord('c2')!), filter: 'all' },
    ]);
  });

  it('switching to Missed loads that list afresh', async () => {
    const { history } = store(calls(6, (i) => ({ outcome: i % 2 ? 'missed' : 'answered' })));
    await history.load();
    await history.load('missed');
    expect(history.getView()).toMatchObject({ filter: 'missed', ids: ['c5', 'c3', 'c1'], hasMore: false });
  });

  it('puts a new call on top, and leaves the list alone when only a record changes', async () => {
    const { history } = store(calls(2));
    await history.load();
    const view = history.getView();
    history.upsert(callRecord('c2', { startedAt: history.getRecord('c2')!.startedAt, calledBackBy: 'bob' }));
    expect(history.getView()).toBe(view); // same view: the list does not re-render
    expect(history.getRecord('c2')!.calledBackBy).toBe('bob');
    history.upsert(callRecord('c3', { startedAt: '2025-03-01T11:00:00.000Z' }));
    expect(history.getView().ids).toEqual(['c3', 'c2', 'c1']);
  });

  it('leaves an update to a call older than the loaded pages to its page', async () => {
    const { history } = store(calls(5));
    await history.load();
    history.upsert(callRecord('c1', { startedAt: new Date(Date.UTC(2025, 2, 1, 10, 1)).toISOString(), calledBackBy: 'bob' }));
    expect(history.getView().ids).toEqual(['c5', 'c4', 'c3']);
  });

  it('drops a row that no longer matches the filter, and ignores calls that never did', async () => {
    const { history } = store(calls(2));
    await history.load('missed');
    history.upsert(callRecord('c2', { startedAt: history.getRecord('c2')!.startedAt, outcome: 'answered' }));
    history.upsert(callRecord('c9', { outcome: 'busy' }));
    expect(history.getView().ids).toEqual(['c1']);
  });

  it('keeps what an event said over a page that was asked for before it', async () => {
    const { api, history } = store(calls(2));
    const g = gate();
    api.gate = g.promise;
    const loading = history.load();
    // While the page is on its way, the server calls c2 back and a new call c3 comes in.
    history.upsert(callRecord('c2', { startedAt: api.history[1]!.startedAt, calledBackBy: 'bob' }));
    history.upsert(callRecord('c3', { startedAt: '2025-03-01T12:00:00.000Z' }));
    g.open();
    await loading;
    expect(history.getView().ids).toEqual(['c3', 'c2', 'c1']);
    expect(history.getRecord('c2')!.calledBackBy).toBe('bob');
  });

  it('drops the answer to a request made for another filter', async () => {
    const { api, history } = store(calls(2));
    const g = gate();
    api.gate = g.promise;
    const first = history.load('all');
    api.gate = null;
    await history.load('missed');
    g.open();
    await first;
    expect(history.getView().filter).toBe('missed');
  });

  it('says why a page could not be loaded, and keeps the rows it has', async () => {
    const { api, history } = store(calls(5));
    await history.load();
    api.liveError = new ApiError('The history store is unavailable.', 503, 'store_unavailable');
    await history.loadMore();
    expect(history.getView()).toMatchObject({ ids: ['c5', 'c4', 'c3'], error: 'The history store is unavailable.', loadingMore: false, status: 'ready' });
    await history.load();
    expect(history.getView()).toMatchObject({ status: 'error', error: 'The history store is unavailable.' });
  });

  it('marks missed calls seen up to a time', async () => {
    const { history } = store(calls(3));
    await history.load();
    history.markSeen(history.getRecord('c2')!.startedAt);
    expect(['c1', 'c2', 'c3'].map((id) => history.getRecord(id)!.seen)).toEqual([true, true, false]);
    expect(history.newestMissed()!.id).toBe('c3');
  });
});

describe('HistoryStore all day: a bounded window', () => {
  /** A call the server has just stored and the event stream brings, newer than every call of `calls`. */
  function newCall(api: FakeApi, i: number): CallRecord {
    const record = callRecord(`n${i}`, { startedAt: new Date(Date.UTC(2025, 2, 2, 10, i)).toISOString() });
    api.history.push(record);
    return record;
  }

  it('keeps as many rows as the pages loaded: new calls push the oldest out, and the next page brings them back', async () => {
    const { api, history } = store(calls(4));
    await history.load();
    history.upsert(newCall(api, 1));
    history.upsert(newCall(api, 2));
    expect(history.getView()).toMatchObject({ ids: ['n2', 'n1', 'c4'], hasMore: true });
    expect(history.getRecord('c3')).toBeUndefined();
    await history.loadMore();
    expect(history.getView()).toMatchObject({ ids: ['n2', 'n1', 'c4', 'c3', 'c2', 'c1'], hasMore: false });
    expect(api.callQueries.at(-1)).toEqual({ limit: 3, before: callCursor(history.getRecord('c4')!), filter: 'all' });
  });

  it('a history that fitted on one page still keeps one page: the calls of a day do not pile up', async () => {
    const { api, history } = store(calls(1));
    await history.load();
    expect(history.getView()).toMatchObject({ ids: ['c1'], hasMore: false });
    for (let i = 1; i <= 50; i++) history.upsert(newCall(api, i));
    expect(history.getView()).toMatchObject({ ids: ['n50', 'n49', 'n48'], hasMore: true });
    expect(history.getRecord('n47')).toBeUndefined();
    await history.loadMore();
    expect(history.getView().ids).toEqual(['n50', 'n49', 'n48', 'n47', 'n46', 'n45']);
    // Two pages loaded: the window is two pages now.
    history.upsert(newCall(api, 51));
    expect(history.getView()).toMatchObject({ ids: ['n51', 'n50', 'n49', 'n48', 'n47', 'n46'], hasMore: true });
  });

  it('drops an older page asked for before new calls pushed rows out; the next one continues the list without a gap', async () => {
    const { api, history } = store(calls(6));
    await history.load();
    const g = gate();
    api.gate = g.promise;
    const more = history.loadMore();
    history.upsert(newCall(api, 1));
    g.open();
    await more;
    expect(history.getView()).toMatchObject({ ids: ['n1', 'c6', 'c5'], loadingMore: false, hasMore: true });
    api.gate = null;
    await history.loadMore();
    expect(history.getView().ids).toEqual(['n1', 'c6', 'c5', 'c4', 'c3', 'c2']);
  });

  it('a filter loaded afresh starts again from one page', async () => {
    const { api, history } = store(calls(9));
    await history.load();
    await history.loadMore();
    await history.load('missed');
    history.upsert(newCall(api, 1));
    expect(history.getView().ids).toEqual(['n1', 'c9', 'c8']);
  });
});
