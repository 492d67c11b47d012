import { describe, expect, it } from 'vitest';
import { Call, type CallStatus } from './call';
import { CallStore, MAX_KEPT_CALLS } from './store';

const call = (status: CallStatus) => {
  const c = new Call('AC1', '+12025550101', 'client:alice', 'inbound', { kind: 'phone', number: '+12025550101' });
  c.status = status;
  return c;
};

describe('CallStore', () => {
  it('keeps at most its limit, forgetting the oldest finished calls first and counting them', () => {
    const store = new CallStore(5);
    const calls = Array.from({ length: 12 }, () => call('completed'));
    for (const c of calls) store.add(c);
    expect(store.size).toBe(5);
    expect(store.forgotten).toBe(7);
    expect([...store.values()]).toEqual(calls.slice(-5));
    expect(store.get(calls[0]!.sid)).toBeUndefined();
  });

  it('never forgets a live call, however old', () => {
    const store = new CallStore(3);
    const live = call('in-progress');
    store.add(live);
    for (let i = 0; i < 10; i++) store.add(call('busy'));
    expect(store.get(live.sid)).toBe(live);
    expect(store.size).toBe(3);
    expect(store.active()).toEqual([live]);
  });

  it('keeps a few hundred calls by default', () => {
    const store = new CallStore();
    for (let i = 0; i < MAX_KEPT_CALLS + 40; i++) store.add(call('completed'));
    expect(store.keepsAtMost).toBe(MAX_KEPT_CALLS);
    expect(store.size).toBe(MAX_KEPT_CALLS);
    expect(store.forgotten).toBe(40);
  });
});
