import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../contracts/api';
import { HistoryStore, matchesFilter, newerFirst } from './history-store';
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
      { limit: 3, before: '3', filter: 'all' },
      { limit: 3, before: '6', filter: 'all' },
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
