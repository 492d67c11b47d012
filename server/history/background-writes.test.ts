/**
 * Writes the call path does not wait for: a few at a time, in order; a failure or an overflow is noted for
 * healing and logged, never thrown at the caller.
 */
import { describe, expect, it } from 'vitest';
import { BackgroundWrites } from './background-writes';
import type { CallFact } from './facts';
import type { HistoryRepository } from './repository';

const fact = (n: number): CallFact => ({ kind: 'voice', call: `CA${n}`, at: new Date(0).toISOString(), from: '+1', to: '+2', decision: 'ring-group', target: null });

function slowHistory(fail: (n: string) => boolean) {
  const started: string[] = [];
  let running = 0;
  let most = 0;
  const history = {
    async record(facts: readonly CallFact[]) {
      running++;
      most = Math.max(most, running);
      started.push(facts[0]!.call);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (fail(facts[0]!.call)) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { changed: true };
    },
  } as unknown as HistoryRepository;
  return { history, started, most: () => most };
}

describe('background writes', () => {
  it('runs a few at a time, in order, and notes each failure for healing', async () => {
    const h = slowHistory((sid) => sid === 'CA3');
    let failures = 0;
    const warnings: string[] = [];
    const writes = new BackgroundWrites(h.history, () => failures++, { info() {}, warn: (_o, m) => warnings.push(m), error() {} }, { concurrency: 2, backlog: 100 });
    for (let i = 0; i < 10; i++) writes.add(fact(i));
    await writes.idle();
    expect(h.started).toEqual(Array.from({ length: 10 }, (_, i) => `CA${i}`));
    expect(h.most()).toBe(2);
    expect(failures).toBe(1);
    expect(warnings).toEqual(['call history not written; it heals later']);
  });

  it('drops what does not fit the backlog, says so once, and leaves it to healing', async () => {
    const h = slowHistory(() => false);
    let failures = 0;
    const warnings: string[] = [];
    const writes = new BackgroundWrites(h.history, () => failures++, { info() {}, warn: (_o, m) => warnings.push(m), error() {} }, { concurrency: 1, backlog: 3 });
    for (let i = 0; i < 10; i++) writes.add(fact(i));
    await writes.idle();
    expect(h.started).toEqual(['CA0', 'CA1', 'CA2', 'CA3']);
    expect(failures).toBe(6);
    expect(warnings).toEqual(['call history writes dropped; healing fills them in later']);
  });
});
