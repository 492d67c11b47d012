import { describe, expect, it } from 'vitest';
import { LevelFeed, METER_ARIA_INTERVAL_MS, METER_MAX_FPS, MeterModel } from './levels';

function clock() {
  const c = { time: 0, hidden: false, now: () => c.time, isHidden: () => c.hidden };
  return c;
}

/** Feeds levels at the SDK's call rate (every 50 ms) or the preview's (every animation frame) for `ms`. */
function drive(feed: LevelFeed, c: ReturnType<typeof clock>, everyMs: number, ms: number, level = (t: number) => (t % 200) / 200) {
  const end = c.time + ms;
  while (c.time < end) {
    feed.emit(level(c.time), level(c.time) / 2);
    c.time += everyMs;
  }
}

describe('LevelFeed', () => {
  it.each([
    ['a call (levels every 50 ms)', 50],
    ['the microphone preview (levels every animation frame)', 1000 / 60],
  ])('lets at most %s through at the meter frame rate', (_name, everyMs) => {
    const c = clock();
    const feed = new LevelFeed(c);
    const frames: number[] = [];
    feed.subscribe((_i, _o, at) => frames.push(at));
    drive(feed, c, everyMs, 10_000);
    expect(frames.length).toBeLessThanOrEqual(METER_MAX_FPS * 10);
    // Alive: the meters still move several times a second.
    expect(frames.length).toBeGreaterThanOrEqual(8 * 10);
    const gaps = frames.slice(1).map((at, i) => at - frames[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / METER_MAX_FPS);
  });

  it('carries the loudest level since the last frame, so a short peak still shows', () => {
    const c = clock();
    const feed = new LevelFeed(c, 10);
    const frames: Array<[number, number]> = [];
    feed.subscribe((input, output) => frames.push([input, output]));
    feed.emit(0.1, 0.1); // frame at 0
    c.time = 30;
    feed.emit(0.9, 0.2); // held back
    c.time = 60;
    feed.emit(0.2, 0.7); // held back
    c.time = 100;
    feed.emit(0.1, 0.1); // frame: the peaks since 0
    expect(frames).toEqual([
      [0.1, 0.1],
      [0.9, 0.7],
    ]);
  });

  it('lets nothing through while the page is hidden, and draws again once it shows', () => {
    const c = clock();
    const feed = new LevelFeed(c);
    let frames = 0;
    feed.subscribe(() => frames++);
    c.hidden = true;
    drive(feed, c, 50, 60_000);
    expect(frames).toBe(0);
    c.hidden = false;
    feed.emit(0.5, 0.5);
    expect(frames).toBe(1);
  });

  it('stops calling a listener that unsubscribed', () => {
    const c = clock();
    const feed = new LevelFeed(c);
    let frames = 0;
    const off = feed.subscribe(() => frames++);
    feed.emit(1, 1);
    off();
    c.time = 1_000;
    feed.emit(1, 1);
    expect(frames).toBe(1);
  });
});

describe('MeterModel', () => {
  it('writes the bar only when it would look different', () => {
    const m = new MeterModel();
    expect(m.frame(0, 0)).toEqual({});
    expect(m.frame(0.25, 100).scale).toBe(0.5);
    expect(m.frame(0.2501, 200).scale).toBeUndefined();
    expect(m.frame(1, 300).scale).toBe(1);
    expect(m.frame(4, 400).scale).toBeUndefined(); // clamped to full
    expect(m.frame(0, 500).scale).toBe(0);
  });

  it('changes the accessible value at most once a second, and catches up with silence', () => {
    const m = new MeterModel();
    expect(m.frame(0.25, 0)).toEqual({ scale: 0.5, ariaValue: 50 });
    expect(m.frame(1, 100)).toEqual({ scale: 1 });
    expect(m.frame(1, METER_ARIA_INTERVAL_MS - 1)).toEqual({});
    expect(m.frame(1, METER_ARIA_INTERVAL_MS)).toEqual({ ariaValue: 100 });
    expect(m.frame(0, METER_ARIA_INTERVAL_MS + 100)).toEqual({ scale: 0 });
    expect(m.frame(0, 2 * METER_ARIA_INTERVAL_MS + 100)).toEqual({ ariaValue: 0 });
  });
});
