import { describe, expect, it } from 'vitest';
import { DTMF_FREQUENCIES, dtmfTone, renderSpeech, ToneGenerator } from './synth';
import { samplesDbfs } from './level';

/** Energy at one frequency (Goertzel), normalised so a lone sine of amplitude A gives about A/2. */
function goertzel(samples: Int16Array, freq: number, rate = 8000): number {
  const k = (2 * Math.cos((2 * Math.PI * freq) / rate));
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(s1 * s1 + s2 * s2 - k * s1 * s2) / samples.length;
}

function render(gen: ToneGenerator, n: number): Int16Array {
  const out = new Int16Array(n);
  gen.render(out);
  return out;
}

describe('tone generator', () => {
  it.each([[[440]], [[350, 440]], [[440, 480]], [[1000]]])('contains exactly %j', (freqs) => {
    const s = render(new ToneGenerator({ frequencies: freqs }), 8000);
    for (const f of freqs) expect(goertzel(s, f)).toBeGreaterThan(0.05);
    expect(goertzel(s, 2600)).toBeLessThan(0.005);
  });

  it('stays phase-continuous across frames', () => {
    const gen = new ToneGenerator({ frequencies: [440] });
    const a = new Int16Array(160);
    const b = new Int16Array(160);
    gen.render(a);
    gen.render(b);
    const whole = render(new ToneGenerator({ frequencies: [440] }), 320);
    expect([...a, ...b]).toEqual([...whole]);
  });

  it.each([
    // durationMs, frames asked, frames that report "still playing"
    [undefined, 10, 10],
    [100, 10, 5],
    [110, 10, 6],
    [0, 3, 0],
  ])('duration %j ms over %i frames plays %i', (durationMs, frames, alive) => {
    const gen = new ToneGenerator({ frequencies: [440], durationMs });
    const out = new Int16Array(160);
    let count = 0;
    for (let i = 0; i < frames; i++) if (gen.render(out)) count++;
    expect(count).toBe(alive);
  });

  it('follows its cadence: on, then silent', () => {
    const s = render(new ToneGenerator({ frequencies: [440, 480], onMs: 100, offMs: 200 }), 8000 * 0.6);
    const window = (ms: number) => s.subarray(ms * 8, ms * 8 + 400);
    expect(samplesDbfs(window(20))).toBeGreaterThan(-20);
    expect(samplesDbfs(window(150))).toBe(-127);
    expect(samplesDbfs(window(320))).toBeGreaterThan(-20);
    expect(samplesDbfs(window(450))).toBe(-127);
  });
});

describe('DTMF tones', () => {
  it.each(Object.entries(DTMF_FREQUENCIES))('%s has its row and column tones', (digit, [low, high]) => {
    const s = dtmfTone(digit, 100);
    expect(s.length).toBe(800);
    expect(goertzel(s, low)).toBeGreaterThan(0.1);
    expect(goertzel(s, high)).toBeGreaterThan(0.1);
    const others = Object.values(DTMF_FREQUENCIES).flat().filter((f) => f !== low && f !== high);
    for (const f of new Set(others)) expect(goertzel(s, f)).toBeLessThan(0.05);
  });

  it('rejects non-keys', () => {
    expect(() => dtmfTone('x', 100)).toThrow(/Not a DTMF key/);
  });
});

describe('speech rendering', () => {
  it.each([
    ['Hi', 100, 400],
    ['Hello world', 400, 900],
    ['Welcome to the team line. Please hold while we connect you.', 2500, 5000],
  ])('%j lasts a believable time', (text, minMs, maxMs) => {
    const ms = renderSpeech(text).length / 8;
    expect(ms).toBeGreaterThanOrEqual(minMs);
    expect(ms).toBeLessThanOrEqual(maxMs);
  });

  it('grows with the text', () => {
    expect(renderSpeech('one two three four').length).toBeGreaterThan(renderSpeech('one two').length);
  });

  it('is audible, with pauses between sentences', () => {
    const s = renderSpeech('Hello there. Goodbye now.');
    expect(samplesDbfs(s)).toBeGreaterThan(-25);
    const frames = Array.from({ length: Math.floor(s.length / 160) }, (_, i) => samplesDbfs(s.subarray(i * 160, i * 160 + 160)));
    expect(frames.some((db) => db === -127)).toBe(true);
  });

  it('is empty for text with nothing to say', () => {
    expect(renderSpeech('  ... ').length).toBe(0);
  });
});
