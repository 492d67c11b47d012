/** Sample generators for what the emulator itself says: tones, DTMF, speech-like audio. */

export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160; // 20 ms at 8 kHz

/** Row/column frequencies of each DTMF key (ITU-T Q.23). */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

export interface ToneSpec {
  frequencies: number[];
  /** Peak amplitude of the sum, 0..1 of full scale. */
  amplitude?: number;
  durationMs?: number;
  onMs?: number;
  offMs?: number;
}

/**
 * A phase-continuous tone, optionally cadenced (e.g. ringback 2 s on / 4 s off) and finite.
 * `render` fills frames; it returns false once the tone has ended.
 */
export class ToneGenerator {
  private n = 0;
  private readonly total: number;
  private readonly on: number;
  private readonly period: number;
  private readonly amp: number;

  constructor(private readonly spec: ToneSpec, private readonly rate = SAMPLE_RATE) {
    this.total = spec.durationMs === undefined ? Infinity : Math.round((spec.durationMs * rate) / 1000);
    this.on = spec.onMs === undefined ? Infinity : Math.round((spec.onMs * rate) / 1000);
    this.period = this.on === Infinity ? Infinity : this.on + Math.round(((spec.offMs ?? 0) * rate) / 1000);
    const count = Math.max(1, spec.frequencies.length);
    this.amp = ((spec.amplitude ?? 0.5) * 32767) / count;
  }

  get ended(): boolean {
    return this.n >= this.total;
  }

  render(out: Int16Array): boolean {
    out.fill(0);
    for (let i = 0; i < out.length; i++, this.n++) {
      if (this.n >= this.total) return i > 0;
      const inCycle = this.period === Infinity ? 0 : this.n % this.period;
      if (inCycle >= this.on) continue;
      let v = 0;
      for (const f of this.spec.frequencies) v += Math.sin((2 * Math.PI * f * this.n) / this.rate);
      out[i] = Math.round(v * this.amp);
    }
    return true;
  }
}

/** Samples of one DTMF key press (both tones, equal level). */
export function dtmfTone(digit: string, durationMs: number, rate = SAMPLE_RATE): Int16Array {
  const freqs = DTMF_FREQUENCIES[digit.toUpperCase()];
  if (!freqs) throw new Error(`Not a DTMF key: ${JSON.stringify(digit)}`);
  const gen = new ToneGenerator({ frequencies: [...freqs], durationMs, amplitude: 0.6 }, rate);
  const out = new Int16Array(Math.round((durationMs * rate) / 1000));
  gen.render(out);
  return out;
}

/** About 180 ms per syllable, like unhurried speech. */
const SYLLABLE_MS = 180;
const WORD_GAP_MS = 70;
const SENTENCE_GAP_MS = 300;

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** Rough syllables: vowel groups per word (at least one), with the word they belong to. */
function syllables(text: string): { vowel: string; lastInWord: boolean; endsSentence: boolean }[] {
  const out: { vowel: string; lastInWord: boolean; endsSentence: boolean }[] = [];
  for (const word of words(text)) {
    const groups = word.toLowerCase().match(/[aeiouyáéíóúäöüàèìòù]+/g) ?? ['a'];
    const digits = word.match(/\p{N}/gu)?.length ?? 0;
    const parts = groups.length + Math.max(0, digits - 1);
    for (let i = 0; i < parts; i++) {
      out.push({
        vowel: groups[i % groups.length]!.charAt(0),
        lastInWord: i === parts - 1,
        endsSentence: i === parts - 1 && /[.!?;:]$/.test(word),
      });
    }
  }
  return out;
}

/** Formant pairs (Hz) that give each vowel its colour; enough to sound voice-like, not to be words. */
const FORMANTS: Record<string, [number, number]> = {
  a: [730, 1090], e: [530, 1840], i: [390, 1990], o: [570, 840], u: [440, 1020], y: [390, 1990],
};

/**
 * A speech-like rendering of text: a voiced buzz at a falling pitch through two vowel formants per
 * syllable, with an attack/decay envelope and pauses between words and sentences. Its length
 * follows the text, so a listener (or a level meter) can tell when the emulator is "talking".
 */
export function renderSpeech(text: string, rate = SAMPLE_RATE): Int16Array {
  const parts = syllables(text);
  const sylLen = Math.round((SYLLABLE_MS * rate) / 1000);
  const chunks: Int16Array[] = [];
  let phase = 0;
  parts.forEach((syl, idx) => {
    const [f1, f2] = FORMANTS[syl.vowel] ?? FORMANTS.a!;
    const pitch = 140 - 25 * (idx % 4) / 3; // gentle intonation contour
    const chunk = new Int16Array(sylLen);
    for (let n = 0; n < sylLen; n++) {
      phase += (2 * Math.PI * pitch) / rate;
      const env = Math.min(1, n / (0.02 * rate)) * Math.min(1, (sylLen - n) / (0.06 * rate));
      // Harmonics of the pitch near the formants stand in for a filtered glottal pulse.
      const h1 = Math.max(1, Math.round(f1 / pitch));
      const h2 = Math.max(1, Math.round(f2 / pitch));
      const v = Math.sin(phase) * 0.35 + Math.sin(h1 * phase) * 0.45 + Math.sin(h2 * phase) * 0.2;
      chunk[n] = Math.round(v * env * 0.5 * 32767);
    }
    chunks.push(chunk);
    const gap = syl.endsSentence ? SENTENCE_GAP_MS : syl.lastInWord ? WORD_GAP_MS : 0;
    if (gap && idx < parts.length - 1) chunks.push(new Int16Array(Math.round((gap * rate) / 1000)));
  });
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Int16Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
