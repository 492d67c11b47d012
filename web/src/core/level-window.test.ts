import { describe, expect, it } from 'vitest';
import { LEVEL_FLOOR_DB, LevelWindow, levelOfRms } from './level-window';

const RATE = 48_000;
const BLOCK = 128; // an audio thread render quantum

/** `seconds` of a sine of peak `amplitude`, cut in render quanta. */
function* sine(amplitude: number, seconds: number, hz = 1000): Generator<Float32Array> {
  let n = 0;
  for (let done = 0; done < seconds * RATE; done += BLOCK) {
    const block = new Float32Array(BLOCK);
    for (let i = 0; i < BLOCK; i++, n++) block[i] = amplitude * Math.sin((2 * Math.PI * hz * n) / RATE);
    yield block;
  }
}

const levels = (window: LevelWindow, blocks: Iterable<Float32Array>) => [...blocks].map((b) => window.add(b)).filter((l): l is number => l !== null);

describe('levelOfRms', () => {
  it.each([
    ['silence', 0, 0],
    ['the floor', 10 ** (LEVEL_FLOOR_DB / 20), 0],
    ['below the floor', 10 ** ((LEVEL_FLOOR_DB - 20) / 20), 0],
    ['half way in dB (-30 dBFS)', 10 ** (-30 / 20), 0.5],
    ['full scale', 1, 1],
    ['over full scale', 2, 1],
  ])('%s', (_name, rms, level) => {
    expect(levelOfRms(rms)).toBeCloseTo(level, 6);
  });
});

describe('LevelWindow', () => {
  it('gives one level per meter frame: 10 a second at 10 fps', () => {
    const got = levels(new LevelWindow(RATE, 10), sine(0.5, 2));
    expect(got.length).toBeGreaterThanOrEqual(19);
    expect(got.length).toBeLessThanOrEqual(20);
  });

  it('measures the RMS: a full-scale sine is 3 dB below full scale', () => {
    const [first] = levels(new LevelWindow(RATE, 10), sine(1, 0.2));
    expect(first).toBeCloseTo((-3.01 - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 2);
  });

  it('tells speech-like levels apart and shows silence as zero', () => {
    const window = new LevelWindow(RATE, 10);
    const [loud] = levels(window, sine(0.5, 0.1));
    const [quiet] = levels(window, sine(0.01, 0.1));
    const [silent] = levels(window, sine(0, 0.1));
    expect(loud!).toBeGreaterThan(quiet!);
    expect(quiet!).toBeGreaterThan(0);
    expect(silent).toBe(0);
  });

  it('starts a fresh frame after reset (a pause), so old sound is not shown late', () => {
    const window = new LevelWindow(RATE, 10);
    for (const block of [...sine(1, 0.09)]) expect(window.add(block)).toBeNull();
    window.reset();
    const [after] = levels(window, sine(0, 0.1));
    expect(after).toBe(0);
  });
});
