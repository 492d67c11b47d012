/**
 * DTMF as sound rather than as RFC 4733 events. A conference has no "other leg" to pass a key
 * press to, so Twilio plays it into the room as the key's two tones (no webhook fires); and what a
 * simulated phone hears from a conference is audio, so it finds digits in it as a phone exchange's
 * receiver would (Goertzel filters on the eight DTMF frequencies).
 */
import { DTMF_FREQUENCIES, SAMPLE_RATE, ToneGenerator } from './synth';

/** How long a regenerated key press sounds, and the silence kept after it so that presses stay apart. */
export const IN_BAND_TONE_MS = 120;
const IN_BAND_GAP_MS = 40;
/** Both tones together at half of full scale: a clear key press, leaving room for a voice under it. */
const IN_BAND_AMPLITUDE = 0.5;

/** Key presses waiting to sound, one after another, added on top of a participant's voice. */
export class InBandDigits {
  private queue: Int16Array[] = [];
  private offset = 0;

  push(digit: string): void {
    const freqs = DTMF_FREQUENCIES[digit.toUpperCase()];
    if (!freqs) return;
    const tone = new Int16Array(Math.round((IN_BAND_TONE_MS * SAMPLE_RATE) / 1000));
    new ToneGenerator({ frequencies: [...freqs], amplitude: IN_BAND_AMPLITUDE }).render(tone);
    this.queue.push(tone, new Int16Array(Math.round((IN_BAND_GAP_MS * SAMPLE_RATE) / 1000)));
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Adds the next frame of key tones (if any) to `frame`, saturating rather than wrapping. */
  addTo(frame: Int16Array): void {
    let i = 0;
    while (i < frame.length && this.queue.length > 0) {
      const chunk = this.queue[0]!;
      for (; i < frame.length && this.offset < chunk.length; i++, this.offset++) {
        frame[i] = Math.max(-32768, Math.min(32767, frame[i]! + chunk[this.offset]!));
      }
      if (this.offset === chunk.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
  }
}

const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477, 1633] as const;
const KEY_BY_PAIR = new Map(Object.entries(DTMF_FREQUENCIES).map(([key, [row, col]]) => [`${row}/${col}`, key]));
/** Each tone at least this amplitude (about -40 dBFS). */
const MIN_AMPLITUDE = 0.01 * 32768;
/** The strongest row (column) at least 4x the power of the next one; leakage between neighbours stays under -10 dB. */
const DOMINANCE = 4;
/** Row and column within 8 dB of each other (the "twist" a receiver accepts). */
const MAX_TWIST = 10 ** (8 / 20);
/** The two tones carry at least this share of the frame's power: music and speech are not keys. */
const MIN_SHARE = 0.2;

/** Amplitude of the component at `hz` in `samples` (Goertzel). */
function amplitudeAt(samples: Int16Array, hz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / samples.length;
}

function strongest(samples: Int16Array, freqs: readonly number[]): { hz: number; amp: number } | null {
  const amps = freqs.map((hz) => amplitudeAt(samples, hz));
  const order = amps.map((a, i) => i).sort((a, b) => amps[b]! - amps[a]!);
  const best = amps[order[0]!]!;
  const next = amps[order[1]!]!;
  if (best < MIN_AMPLITUDE || best * best < DOMINANCE * next * next) return null;
  return { hz: freqs[order[0]!]!, amp: best };
}

/** The key sounding in one frame (20 ms at 8 kHz), or null. */
export function keyIn(samples: Int16Array): string | null {
  if (samples.length === 0) return null;
  const row = strongest(samples, ROWS);
  const col = strongest(samples, COLUMNS);
  if (!row || !col) return null;
  if (row.amp > col.amp * MAX_TWIST || col.amp > row.amp * MAX_TWIST) return null;
  let energy = 0;
  for (let i = 0; i < samples.length; i++) energy += samples[i]! * samples[i]!;
  const tonePower = (row.amp * row.amp + col.amp * col.amp) / 2;
  if (tonePower < MIN_SHARE * (energy / samples.length)) return null;
  return KEY_BY_PAIR.get(`${row.hz}/${col.hz}`) ?? null;
}

/**
 * Digits in a stream of frames: a key counts once it sounds in two frames running (40 ms), and
 * again only after a frame without it, so one long press is one digit and two presses are two.
 */
export class InBandDigitDetector {
  private candidate: string | null = null;
  private frames = 0;
  private reported = false;

  /** Returns the digit when this frame completes a new key press. */
  push(frame: Int16Array): string | null {
    const key = keyIn(frame);
    if (key !== this.candidate) {
      this.candidate = key;
      this.frames = 0;
      this.reported = false;
    }
    if (key === null) return null;
    this.frames++;
    if (this.frames >= 2 && !this.reported) {
      this.reported = true;
      return key;
    }
    return null;
  }
}
