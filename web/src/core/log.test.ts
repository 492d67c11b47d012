import { describe, expect, it } from 'vitest';
import { LOG_LIMIT, LogStore } from './log';

describe('LogStore', () => {
  it('keeps lines in order with their time', () => {
    let now = 1_000;
    const log = new LogStore(5, () => now);
    log.add('one');
    now = 2_000;
    log.add('two');
    expect(log.getView()).toEqual({
      entries: [
        { id: 1, at: 1_000, text: 'one' },
        { id: 2, at: 2_000, text: 'two' },
      ],
      dropped: 0,
      limit: 5,
    });
  });

  it('stays bounded over a day of calls, keeps the newest lines and counts what it dropped', () => {
    const log = new LogStore(LOG_LIMIT);
    const lines = 200 * 12; // 200 calls of about a dozen lines each
    for (let i = 1; i <= lines; i++) log.add(`line ${i}`);
    const { entries, dropped, limit } = log.getView();
    expect(limit).toBe(LOG_LIMIT);
    expect(entries).toHaveLength(LOG_LIMIT);
    expect(dropped).toBe(lines - LOG_LIMIT);
    expect(entries[0]!.text).toBe(`line ${lines - LOG_LIMIT + 1}`);
    expect(entries.at(-1)!.text).toBe(`line ${lines}`);
    // Oldest first, without gaps, across the ring's wrap-around.
    expect(entries.every((e, i) => i === 0 || e.id === entries[i - 1]!.id + 1)).toBe(true);
  });

  it('gives readers the same view until a line is added, and a new one after', () => {
    const log = new LogStore(3);
    log.add('a');
    const first = log.getView();
    expect(log.getView()).toBe(first);
    log.add('b');
    const second = log.getView();
    expect(second).not.toBe(first);
    expect(first.entries.map((e) => e.text)).toEqual(['a']);
    expect(second.entries.map((e) => e.text)).toEqual(['a', 'b']);
  });

  it('tells subscribers of each line and of clearing, which also resets the dropped count', () => {
    const log = new LogStore(2);
    let calls = 0;
    const off = log.subscribe(() => calls++);
    log.add('a');
    log.add('b');
    log.add('c');
    expect(log.getView()).toMatchObject({ dropped: 1, entries: [{ text: 'b' }, { text: 'c' }] });
    log.clear();
    expect(log.getView()).toMatchObject({ dropped: 0, entries: [] });
    expect(calls).toBe(4);
    off();
    log.add('d');
    expect(calls).toBe(4);
    expect(log.getEntries().map((e) => e.text)).toEqual(['d']);
  });
});
