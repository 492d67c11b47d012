import { describe, expect, it } from 'vitest';
import { encodePcmu, decodePcmu } from './g711';
import { hasTone, ToneMeter, tonesIn } from './spectrum';
import { ToneGenerator } from './synth';

function tone(frequencies: number[], amplitude = 0.5, n = 2048): Int16Array {
  const out = new Int16Array(n);
  new ToneGenerator({ frequencies, amplitude }).render(out);
  return out;
}

describe('tonesIn', () => {
  it.each([[[440]], [[660]], [[440, 660]], [[440, 660, 880]], [[300, 3000]]])('finds exactly %j', (freqs) => {
    const found = tonesIn(tone(freqs));
    expect(found).toHaveLength(freqs.length);
    for (const f of freqs) expect(hasTone(found, f, { toleranceHz: 3 })).toBe(true);
  });

  it('reports the level of each component: a half-scale sine reads about -9 dBFS', () => {
    const [one] = tonesIn(tone([1000], 0.5));
    expect(one!.dbfs).toBeCloseTo(-9, 0);
    // Two tones share the generator's amplitude: each is 6 dB lower.
    for (const t of tonesIn(tone([500, 1500], 0.5))) expect(t.dbfs).toBeCloseTo(-15, 0);
  });

  it('survives G.711 mu-law: no spurious peaks above -45 dBFS', () => {
    const coded = decodePcmu(encodePcmu(tone([440, 880], 0.3)));
    const found = tonesIn(coded, { floorDbfs: -45 });
    expect(found.map((t) => t.hz).sort((a, b) => a - b)).toEqual([440, 880]);
  });

  it('finds nothing in silence, and orders peaks loudest first', () => {
    expect(tonesIn(new Int16Array(2048))).toEqual([]);
    const loudQuiet = new Int16Array(2048);
    const a = tone([500], 0.6);
    const b = tone([1200], 0.1);
    for (let i = 0; i < 2048; i++) loudQuiet[i] = a[i]! + b[i]!;
    expect(tonesIn(loudQuiet).map((t) => t.hz)).toEqual([500, 1200]);
  });
});

describe('ToneMeter', () => {
  it('reports the tones of the last window pushed, and nothing once the stream is stale', () => {
    const meter = new ToneMeter(500, 0);
    expect(meter.tones(0)).toEqual([]);
    const first = tone([440], 0.5, 4000);
    for (let i = 0; i < first.length; i += 160) meter.push(first.subarray(i, i + 160), 0);
    expect(hasTone(meter.tones(100), 440)).toBe(true);
    const second = tone([880], 0.5, 2048);
    for (let i = 0; i < second.length; i += 160) meter.push(second.subarray(i, i + 160), 200);
    const now = meter.tones(300);
    expect(hasTone(now, 880)).toBe(true);
    expect(hasTone(now, 440)).toBe(false);
    expect(meter.tones(800)).toEqual([]);
  });
});
