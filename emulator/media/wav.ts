/** WAV decoding and resampling for <Play>: whatever a URL serves becomes 8 kHz samples. */
import { muLawDecode } from './g711';

export interface DecodedAudio {
  sampleRate: number;
  /** Mono samples (channels are averaged). */
  samples: Int16Array;
}

const FORMAT_PCM = 1;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Parses RIFF/WAVE with PCM 8/16-bit or mu-law data, any rate, any channel count. */
export function parseWav(buf: Uint8Array): DecodedAudio {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('Not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let off = 12; off + 8 <= b.length; ) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const body = b.subarray(off + 8, Math.min(b.length, off + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      let format = body.readUInt16LE(0);
      if (format === FORMAT_EXTENSIBLE && body.length >= 26) format = body.readUInt16LE(24);
      fmt = { format, channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    } else if (id === 'data') {
      data = body;
    }
    off += 8 + size + (size & 1);
  }
  if (!fmt) throw new Error('WAV file has no fmt chunk');
  if (!data) throw new Error('WAV file has no data chunk');
  const { format, channels, rate, bits } = fmt;
  if (channels < 1 || rate < 1) throw new Error('WAV file has an invalid fmt chunk');
  let read: (i: number) => number;
  let width: number;
  if (format === FORMAT_PCM && bits === 16) {
    width = 2;
    read = (i) => data!.readInt16LE(i);
  } else if (format === FORMAT_PCM && bits === 8) {
    width = 1;
    read = (i) => (data![i]! - 128) << 8;
  } else if (format === FORMAT_MULAW && bits === 8) {
    width = 1;
    read = (i) => muLawDecode(data![i]!);
  } else {
    throw new Error(`Unsupported WAV encoding (format ${format}, ${bits} bits): use PCM 16-bit or mu-law`);
  }
  const frames = Math.floor(data.length / (width * channels));
  const samples = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read((f * channels + c) * width);
    samples[f] = Math.round(sum / channels);
  }
  return { sampleRate: rate, samples };
}

/**
 * Linear-interpolation resampler. When shrinking the rate it first averages over the source
 * samples each output sample spans, a cheap low-pass that keeps most aliasing out of telephone
 * audio.
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || samples.length === 0) return samples.slice();
  const ratio = fromRate / toRate;
  const outLen = Math.max(1, Math.floor(samples.length / ratio));
  const out = new Int16Array(outLen);
  const last = samples.length - 1;
  for (let i = 0; i < outLen; i++) {
    const pos = i * ratio;
    if (ratio > 1) {
      const start = Math.floor(pos);
      const end = Math.min(samples.length, Math.max(start + 1, Math.floor(pos + ratio)));
      let sum = 0;
      for (let j = start; j < end; j++) sum += samples[j]!;
      out[i] = Math.round(sum / (end - start));
    } else {
      const j = Math.min(last, Math.floor(pos));
      const frac = pos - j;
      const a = samples[j]!;
      const b = samples[Math.min(last, j + 1)]!;
      out[i] = Math.round(a + (b - a) * frac);
    }
  }
  return out;
}

/** Builds a mono PCM16 WAV file; used by tests and by anything that serves generated audio. */
export function buildWav(samples: Int16Array, sampleRate: number): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(FORMAT_PCM, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, 44 + i * 2);
  return b;
}
