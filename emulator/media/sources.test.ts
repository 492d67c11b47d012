import { describe, expect, it } from 'vitest';
import { BufferSource, EchoSource, SilenceSource, ToneSource } from './sources';
import { samplesDbfs } from './level';

const frame = () => new Int16Array(160);

function pull(src: { next(out: Int16Array): boolean }, frames: number): { alive: boolean[]; samples: number[] } {
  const alive: boolean[] = [];
  const samples: number[] = [];
  for (let i = 0; i < frames; i++) {
    const f = frame();
    alive.push(src.next(f));
    samples.push(...f);
  }
  return { alive, samples };
}

describe('frame sources', () => {
  it('silence never ends', () => {
    const { alive, samples } = pull(new SilenceSource(), 5);
    expect(alive.every(Boolean)).toBe(true);
    expect(samples.every((s) => s === 0)).toBe(true);
  });

  it('a finite tone ends', () => {
    const { alive } = pull(new ToneSource({ frequencies: [440], durationMs: 60 }), 5);
    expect(alive).toEqual([true, true, true, false, false]);
  });

  it.each([
    // samples, loops, frames pulled, alive pattern
    [400, 1, 4, [true, true, true, false]],
    [400, 2, 6, [true, true, true, true, true, false]],
    [160, 0, 5, [true, true, true, true, true]],
    [0, 0, 2, [false, false]],
  ])('a %i-sample buffer looped %i times', (n, loops, frames, expected) => {
    const samples = Int16Array.from({ length: n }, (_, i) => i + 1);
    expect(pull(new BufferSource(samples, loops), frames).alive).toEqual(expected);
  });

  it('loops seamlessly', () => {
    const { samples } = pull(new BufferSource(Int16Array.from([1, 2, 3]), 0), 1);
    expect(samples.slice(0, 7)).toEqual([1, 2, 3, 1, 2, 3, 1]);
  });

  it('pads the last frame with silence', () => {
    const { samples } = pull(new BufferSource(Int16Array.from([5, 6]), 1), 1);
    expect(samples.slice(0, 4)).toEqual([5, 6, 0, 0]);
  });

  it('echo repeats what it hears after its delay', () => {
    const echo = new EchoSource(40); // two frames
    const heard = Int16Array.from({ length: 160 }, () => 1000);
    const out = frame();
    echo.hear(heard);
    expect(echo.next(out)).toBe(true);
    expect(samplesDbfs(out)).toBe(-127);
    echo.hear(heard);
    echo.hear(heard);
    echo.next(out);
    expect([...out]).toEqual([...heard]);
  });

  it('echo re-chunks packets of other sizes and stays bounded', () => {
    const echo = new EchoSource(0);
    echo.hear(new Int16Array(100).fill(7));
    const out = frame();
    echo.next(out);
    expect(out[0]).toBe(0); // not a whole frame yet
    echo.hear(new Int16Array(60).fill(7));
    echo.next(out);
    expect(out.every((s) => s === 7)).toBe(true);
    for (let i = 0; i < 1000; i++) echo.hear(new Int16Array(160).fill(i));
    let frames = 0;
    while (echo.next(out) && out.some((s) => s !== 0)) frames++;
    expect(frames).toBeLessThanOrEqual(25);
  });
});
