/**
 * G.711 mu-law (PCMU), the one codec every leg negotiates: samples are trivial to make and to
 * measure, and relaying between legs never needs transcoding.
 */

const BIAS = 0x84;
const CLIP = 32635;

/** Encodes one signed 16-bit sample to a mu-law byte (ITU-T G.711, with the usual 0x84 bias). */
export function muLawEncode(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one mu-law byte to a signed 16-bit sample. */
export function muLawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? 0 - magnitude : magnitude; // 0 - 0 is +0: "negative zero" decodes to plain silence
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, i) => muLawDecode(i));

export function encodePcmu(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = muLawEncode(samples[i]!);
  return out;
}

export function decodePcmu(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = DECODE_TABLE[payload[i]!]!;
  return out;
}

/** The mu-law byte for digital silence. */
export const PCMU_SILENCE = 0xff;
