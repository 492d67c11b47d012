import { describe, expect, it } from 'vitest';
import { buildWav, parseWav, resample } from './wav';
import { muLawEncode } from './g711';
import { ToneGenerator } from './synth';
import { samplesDbfs } from './level';

function wav(opts: { format: number; channels: number; rate: number; bits: number; data: Buffer; extensible?: boolean; extraChunk?: boolean }): Buffer {
  const fmtLen = opts.extensible ? 40 : 16;
  const fmt = Buffer.alloc(8 + fmtLen);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(fmtLen, 4);
  fmt.writeUInt16LE(opts.extensible ? 0xfffe : opts.format, 8);
  fmt.writeUInt16LE(opts.channels, 10);
  fmt.writeUInt32LE(opts.rate, 12);
  fmt.writeUInt32LE((opts.rate * opts.channels * opts.bits) / 8, 16);
  fmt.writeUInt16LE((opts.channels * opts.bits) / 8, 20);
  fmt.writeUInt16LE(opts.bits, 22);
  if (opts.extensible) fmt.writeUInt16LE(opts.format, 8 + 24);
  const extra = opts.extraChunk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])]) : Buffer.alloc(0);
  const data = Buffer.concat([Buffer.from('data'), Buffer.alloc(4), opts.data]);
  data.writeUInt32LE(opts.data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, extra, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

const pcm16 = (...v: number[]) => Buffer.from(Int16Array.from(v).buffer);

describe('parseWav', () => {
  it.each([
    ['PCM16 mono 8k', wav({ format: 1, channels: 1, rate: 8000, bits: 16, data: pcm16(100, -200, 300) }), 8000, [100, -200, 300]],
    ['PCM16 stereo 16k (averaged)', wav({ format: 1, channels: 2, rate: 16000, bits: 16, data: pcm16(100, 300, -50, -150) }), 16000, [200, -100]],
    ['PCM8', wav({ format: 1, channels: 1, rate: 8000, bits: 8, data: Buffer.from([128, 255, 0]) }), 8000, [0, 127 << 8, -32768]],
    ['mu-law', wav({ format: 7, channels: 1, rate: 8000, bits: 8, data: Buffer.from([0xff, muLawEncode(1000)]) }), 8000, [0, 988]],
    ['WAVE_FORMAT_EXTENSIBLE PCM', wav({ format: 1, channels: 1, rate: 44100, bits: 16, data: pcm16(7), extensible: true }), 44100, [7]],
    ['with a LIST chunk before data', wav({ format: 1, channels: 1, rate: 8000, bits: 16, data: pcm16(1, 2), extraChunk: true }), 8000, [1, 2]],
  ])('%s', (_name, file, rate, samples) => {
    const parsed = parseWav(file);
    expect(parsed.sampleRate).toBe(rate);
    expect([...parsed.samples]).toEqual(samples);
  });

  it.each([
    ['not RIFF', Buffer.from('hello world, not a wav'), /Not a WAV/],
    ['24-bit PCM', wav({ format: 1, channels: 1, rate: 8000, bits: 24, data: Buffer.alloc(6) }), /Unsupported WAV encoding/],
    ['IEEE float', wav({ format: 3, channels: 1, rate: 8000, bits: 32, data: Buffer.alloc(8) }), /Unsupported WAV encoding/],
    ['no chunks at all', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')]), /no fmt chunk/],
  ])('rejects %s', (_name, file, message) => {
    expect(() => parseWav(file)).toThrow(message);
  });

  it('reads what buildWav writes', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    const parsed = parseWav(buildWav(samples, 16000));
    expect(parsed.sampleRate).toBe(16000);
    expect([...parsed.samples]).toEqual([...samples]);
  });
});

describe('resample', () => {
  const tone = (rate: number, freq: number, ms: number) => {
    const out = new Int16Array((rate * ms) / 1000);
    new ToneGenerator({ frequencies: [freq], amplitude: 0.5 }, rate).render(out);
    return out;
  };

  it.each([
    [8000, 8000, 800],
    [16000, 8000, 800],
    [44100, 8000, 800],
    [48000, 8000, 800],
    [11025, 8000, 800],
    [4000, 8000, 800],
  ])('%i Hz -> %i Hz gives %i samples for 100 ms', (from, to, length) => {
    const out = resample(tone(from, 440, 100), from, to);
    expect(Math.abs(out.length - length)).toBeLessThanOrEqual(1);
    // A 440 Hz tone keeps its level through the conversion.
    expect(samplesDbfs(out)).toBeCloseTo(-9.03, 0);
  });

  it('attenuates content above the new Nyquist rate', () => {
    const out = resample(tone(48000, 7000, 200), 48000, 8000);
    expect(samplesDbfs(out)).toBeLessThan(-20);
  });

  it('handles empty input', () => {
    expect(resample(new Int16Array(0), 16000, 8000).length).toBe(0);
  });
});
