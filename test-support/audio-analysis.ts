/**
 * Measuring audio in tests, as a listener would tell parties apart: which frequency dominates, how
 * strong one frequency is, how long a WAV lasts. Media assertions use distinct tones per party
 * (440/660/880 Hz), so "who hears whom" is a question of frequency, not of level.
 */
import { parseWav } from '../emulator/media/wav';

/** Strength of one frequency (Goertzel), normalised so a lone sine of peak amplitude A (of full scale) gives about A/2. */
export function toneStrength(samples: ArrayLike<number>, freq: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return samples.length ? Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2)) / samples.length : 0;
}

/** The strongest frequency between `from` and `to` Hz: a 10 Hz scan, then 1 Hz around the best. */
export function dominantFrequency(samples: ArrayLike<number>, rate = 8000, from = 100, to = 3500): number {
  let best = from;
  let bestStrength = -1;
  const scan = (lo: number, hi: number, step: number): void => {
    for (let f = lo; f <= hi; f += step) {
      const s = toneStrength(samples, f, rate);
      if (s > bestStrength) {
        bestStrength = s;
        best = f;
      }
    }
  };
  scan(from, to, 10);
  const coarse = best;
  scan(Math.max(from, coarse - 10), Math.min(to, coarse + 10), 1);
  return best;
}

/** A WAV file's samples (mixed to mono), rate and length in seconds. */
export function readWav(file: Uint8Array): { samples: Int16Array; sampleRate: number; seconds: number } {
  const { samples, sampleRate } = parseWav(file);
  return { samples, sampleRate, seconds: samples.length / sampleRate };
}
