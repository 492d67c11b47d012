import { describe, expect, it } from 'vitest';
import { everyCallSecond } from './call-clock';

/** A clock whose timers fire in order as time is advanced, with page visibility. */
function fakeClock() {
  const timers = new Map<number, { at: number; fn: () => void }>();
  const visibility = new Set<() => void>();
  let nextId = 0;
  const c = {
    time: 0,
    hidden: false,
    now: () => c.time,
    isHidden: () => c.hidden,
    setTimeout(fn: () => void, ms: number) {
      timers.set(++nextId, { at: c.time + ms, fn });
      return nextId;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    listen(_target: 'window' | 'document', type: string, fn: () => void) {
      if (type === 'visibilitychange') visibility.add(fn);
      return () => visibility.delete(fn);
    },
    pending: () => timers.size,
    listeners: () => visibility.size,
    setHidden(hidden: boolean) {
      c.hidden = hidden;
      visibility.forEach((fn) => fn());
    },
    advance(ms: number) {
      const end = c.time + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        c.time = due[1].at;
        due[1].fn();
      }
      c.time = end;
    },
  };
  return c;
}

describe('everyCallSecond', () => {
  it('ticks at once, then just after each whole second of the call, one timer at a time', () => {
    const c = fakeClock();
    c.time = 10_300; // the call was answered 300 ms ago
    const ticks: number[] = [];
    everyCallSecond(c, 10_000, (elapsed) => ticks.push(elapsed));
    expect(ticks).toEqual([300]);
    c.advance(60_000);
    expect(ticks).toHaveLength(61);
    // Every later tick lands in a new second, so each one changes the display.
    expect(ticks.slice(1).map((e) => Math.floor(e / 1000))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(c.pending()).toBe(1);
  });

  it('says whether the page is visible, and ticks at once when it shows again', () => {
    const c = fakeClock();
    const ticks: Array<[number, boolean]> = [];
    everyCallSecond(c, 0, (elapsed, visible) => ticks.push([Math.floor(elapsed / 1000), visible]));
    c.setHidden(true);
    c.advance(2_500);
    expect(ticks).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    c.setHidden(false);
    expect(ticks.at(-1)).toEqual([2, true]);
    expect(c.pending()).toBe(1);
  });

  it('leaves no timer or listener behind when stopped', () => {
    const c = fakeClock();
    let ticks = 0;
    const stop = everyCallSecond(c, 0, () => ticks++);
    c.advance(5_000);
    stop();
    expect([c.pending(), c.listeners()]).toEqual([0, 0]);
    c.advance(5_000);
    c.setHidden(false);
    expect(ticks).toBe(5);
  });
});
