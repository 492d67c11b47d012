import { describe, expect, it } from 'vitest';
import { deviceSoundUrls, encodeWav, renderSound, SAMPLE_RATE, soundNames, synthesize } from './sounds';

/** Relative power of one frequency in the samples (Goertzel), to check what a sound really contains. */
function power(samples: Int16Array, freq: number, from = 0, to = samples.length): number {
  const k = (2 * Math.PI * freq) / SAMPLE_RATE;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = samples[i]! / 32768 + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((to - from) ** 2);
}

function samplesOf(wav: Buffer): Int16Array {
  const out = new Int16Array((wav.length - 44) / 2);
  for (let i = 0; i < out.length; i++) out[i] = wav.readInt16LE(44 + i * 2);
  return out;
}

const DTMF_ROWS = [697, 770, 852, 941];
const DTMF_COLS = [1209, 1336, 1477];
const DTMF: Record<string, [number, number]> = {
  '1': [697, 1209], '5': [770, 1336], '9': [852, 1477], s: [941, 1209], '0': [941, 1336], h: [941, 1477],
};

describe('generated sounds', () => {
  it('are valid 8 kHz mono 16-bit PCM WAV files', () => {
    for (const name of soundNames()) {
      const wav = renderSound(name)!;
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
      expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
      expect(wav.readUInt16LE(20)).toBe(1);
      expect(wav.readUInt16LE(22)).toBe(1);
      expect(wav.readUInt32LE(24)).toBe(8000);
      expect(wav.readUInt16LE(34)).toBe(16);
      expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
      expect(wav.length).toBeLessThan(100_000);
    }
  });

  it.each(Object.entries(DTMF))('dtmf-%s holds exactly its row and column tones', (key, [row, col]) => {
    const samples = samplesOf(renderSound(`dtmf-${key}`)!);
    const tone = Math.round(0.15 * SAMPLE_RATE);
    const strongest = (freqs: number[]) => freqs.reduce((a, b) => (power(samples, a, 0, tone) > power(samples, b, 0, tone) ? a : b));
    expect(strongest(DTMF_ROWS)).toBe(row);
    expect(strongest(DTMF_COLS)).toBe(col);
  });

  it('outgoing is North American ringback: 440 + 480 Hz, then silence', () => {
    const samples = samplesOf(renderSound('outgoing')!);
    const on = [0, 2 * SAMPLE_RATE] as const;
    expect(power(samples, 440, ...on)).toBeGreaterThan(100 * power(samples, 350, ...on));
    expect(power(samples, 480, ...on)).toBeGreaterThan(100 * power(samples, 620, ...on));
    expect(samples.subarray(2 * SAMPLE_RATE + 80).every((s) => s === 0)).toBe(true);
  });

  it('hold music is its notes, none of them near the tones the tests give parties, and ends quiet to loop', () => {
    const samples = samplesOf(renderSound('hold')!);
    const note = (ms: number) => [Math.round((ms / 1000) * SAMPLE_RATE), Math.round(((ms + 400) / 1000) * SAMPLE_RATE)] as const;
    for (const [at, hz] of [[0, 349.23], [500, 392], [1000, 523.25]] as const) {
      for (const party of [440, 500, 660, 880]) expect(power(samples, hz, ...note(at)), `${hz} Hz over ${party} Hz`).toBeGreaterThan(100 * power(samples, party, ...note(at)));
    }
    expect(samples.length / SAMPLE_RATE).toBeGreaterThanOrEqual(3);
    expect(samples.subarray(-Math.round(0.4 * SAMPLE_RATE)).every((s) => s === 0)).toBe(true);
  });

  it('fades in and out without clicks', () => {
    const samples = synthesize([{ freqs: [1000], ms: 100 }]);
    expect(samples[0]).toBe(0);
    expect(Math.abs(samples.at(-1)!)).toBeLessThan(200);
    expect(Math.max(...samples)).toBeGreaterThan(5000);
  });

  it('encodes an empty sound', () => {
    expect(encodeWav(new Int16Array(0)).length).toBe(44);
  });

  it('has a URL for every sound the Device plays and a file behind each', () => {
    const urls = deviceSoundUrls();
    expect(urls.dtmfs).toBe('/sounds/dtmf-s.wav');
    expect(urls.dtmfh).toBe('/sounds/dtmf-h.wav');
    for (const url of Object.values(urls)) {
      const name = /^\/sounds\/(.+)\.wav$/.exec(url)![1]!;
      expect(renderSound(name), url).toBeDefined();
    }
    expect(renderSound('constructor')).toBeUndefined();
  });
});
