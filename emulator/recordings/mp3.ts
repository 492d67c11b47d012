/**
 * MP3 for RecordingUrl.mp3, as Twilio serves it, with @breezystack/lamejs (LAME in plain
 * JavaScript: no native build, no install script). Encoding costs about 7 ms of CPU per second of
 * 8 kHz audio once warm, so it runs in slices that yield to the event loop: the media clock of
 * the calls in progress keeps its 20 ms beat while a long message is encoded.
 */
import { SAMPLE_RATE } from '../media/synth';

/** Mono 8 kHz in, MPEG-2.5 layer III at 32 kbit/s out: telephone audio gains nothing from more. */
const KBPS = 32;
/** LAME's frame for this rate is 576 samples; a slice of 32 frames is about 2 s of audio. */
const SLICE = 576 * 32;

type Lame = typeof import('@breezystack/lamejs');
let lame: Promise<Lame> | null = null;

export async function encodeMp3(samples: Int16Array): Promise<Buffer> {
  lame ??= import('@breezystack/lamejs');
  const { Mp3Encoder } = await lame;
  const encoder = new Mp3Encoder(1, SAMPLE_RATE, KBPS);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < samples.length; at += SLICE) {
    parts.push(encoder.encodeBuffer(samples.subarray(at, at + SLICE)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  parts.push(encoder.flush());
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}
