/**
 * The emulator's default hold and wait music, generated rather than shipped: a slow four-chord
 * progression of soft arpeggios over a sustained bass, 8 s long, looped. Every note is below
 * HOLD_MUSIC_MAX_HZ, so tests that give parties tones of 440 Hz and up can tell music from people.
 */
import { SAMPLE_RATE } from './synth';
import { buildWav } from './wav';

/** No note of the music is at or above this frequency. */
export const HOLD_MUSIC_MAX_HZ = 400;

/** C, Am, F, G: root, third, fifth (Hz), each chord 2 s. */
const CHORDS: readonly (readonly [number, number, number])[] = [
  [261.63, 329.63, 392.0],
  [220.0, 261.63, 329.63],
  [174.61, 220.0, 261.63],
  [196.0, 246.94, 293.66],
];
const CHORD_SECONDS = 2;
const NOTE_SECONDS = 0.25;

let cached: Int16Array | null = null;

export function holdMusic(): Int16Array {
  if (cached) return cached;
  const chordLen = CHORD_SECONDS * SAMPLE_RATE;
  const noteLen = NOTE_SECONDS * SAMPLE_RATE;
  const out = new Int16Array(CHORDS.length * chordLen);
  CHORDS.forEach((chord, c) => {
    const bass = chord[0] / 2;
    const pattern = [chord[0], chord[1], chord[2], chord[1]];
    for (let n = 0; n < chordLen; n++) {
      const t = n / SAMPLE_RATE;
      const note = pattern[Math.floor(n / noteLen) % pattern.length]!;
      const inNote = (n % noteLen) / SAMPLE_RATE;
      // Plucked: quick attack, exponential decay; the bass swells in and out with the chord.
      const pluck = Math.min(1, inNote / 0.01) * Math.exp(-inNote * 6);
      const swell = Math.sin((Math.PI * n) / chordLen);
      const v = 0.22 * pluck * Math.sin(2 * Math.PI * note * t) + 0.12 * swell * Math.sin(2 * Math.PI * bass * t);
      out[c * chordLen + n] = Math.round(v * 32767);
    }
  });
  cached = out;
  return out;
}

/** The same music as a WAV file, for GET /emulator/hold-music.wav. */
export function holdMusicWav(): Buffer {
  return buildWav(holdMusic(), SAMPLE_RATE);
}

/** The one-shot sounds a conference plays to its participants when someone enters or leaves. */
export function beep(kind: 'enter' | 'exit'): Int16Array {
  const hz = kind === 'enter' ? 1000 : 1250;
  const len = Math.round(0.2 * SAMPLE_RATE);
  const out = new Int16Array(len);
  for (let n = 0; n < len; n++) {
    const env = Math.min(1, n / 40) * Math.min(1, (len - n) / 160);
    out[n] = Math.round(0.25 * 32767 * env * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
  }
  return out;
}
