/**
 * Which tones a stream carries, so tests and the console can tell who hears whom (levels alone
 * cannot): the strongest spectral peaks of the last 256 ms, each with its frequency and level.
 * Samples only go into a ring buffer as they pass; the FFT runs when someone asks (a stats read),
 * so metering costs nothing per packet beyond a copy.
 */
import { SILENT_DBFS } from './level';
import { SAMPLE_RATE } from './synth';

export interface ToneReading {
  /** Peak frequency, Hz (interpolated between FFT bins, rounded). */
  hz: number;
  /** RMS level of that sinusoidal component, dBFS: a full-scale sine reads about -3. */
  dbfs: number;
}

/** Window of 2048 samples (256 ms at 8 kHz): bins 3.9 Hz apart. */
const WINDOW = 2048;
const LOG2_WINDOW = 11;

const HANN = Float64Array.from({ length: WINDOW }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (WINDOW - 1)));
const COS = Float64Array.from({ length: WINDOW / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / WINDOW));
const SIN = Float64Array.from({ length: WINDOW / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / WINDOW));
const BITREV = Uint16Array.from({ length: WINDOW }, (_, i) => {
  let r = 0;
  for (let b = 0; b < LOG2_WINDOW; b++) r |= ((i >> b) & 1) << (LOG2_WINDOW - 1 - b);
  return r;
});

/** In-place iterative radix-2 FFT of WINDOW complex points. */
function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < WINDOW; i++) {
    const j = BITREV[i]!;
    if (j > i) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= WINDOW; size <<= 1) {
    const half = size >> 1;
    const step = WINDOW / size;
    for (let start = 0; start < WINDOW; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = COS[k * step]!;
        const wi = SIN[k * step]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

export interface ToneOptions {
  /** Peaks quieter than this are not reported (default -50 dBFS). */
  floorDbfs?: number;
  /** At most this many peaks, loudest first (default 8). */
  max?: number;
}

/**
 * The loudest tones in `samples` (its last WINDOW samples; zero-padded if shorter). A Hann window
 * keeps a tone's energy within ±2 bins, so peaks ~10 Hz apart or more are told apart.
 */
export function tonesIn(samples: ArrayLike<number>, opts: ToneOptions = {}): ToneReading[] {
  const floor = opts.floorDbfs ?? -50;
  const max = opts.max ?? 8;
  const re = new Float64Array(WINDOW);
  const im = new Float64Array(WINDOW);
  const offset = Math.max(0, samples.length - WINDOW);
  for (let i = 0; i < WINDOW && offset + i < samples.length; i++) re[i] = (samples[offset + i]! / 32768) * HANN[i]!;
  fft(re, im);
  // Amplitude of a sine from its peak bin: the Hann window's coherent gain is 1/2, so |X| = A·N/4.
  const db = new Float64Array(WINDOW / 2);
  for (let k = 0; k < WINDOW / 2; k++) {
    const amplitude = (4 * Math.hypot(re[k]!, im[k]!)) / WINDOW;
    db[k] = amplitude > 0 ? 20 * Math.log10(amplitude / Math.SQRT2) : SILENT_DBFS;
  }
  const peaks: ToneReading[] = [];
  for (let k = 2; k < WINDOW / 2 - 2; k++) {
    const v = db[k]!;
    if (v < floor || v < db[k - 1]! || v <= db[k + 1]! || v < db[k - 2]! || v < db[k + 2]!) continue;
    // Parabolic interpolation on the log spectrum: the true peak lies between bins.
    const a = db[k - 1]!;
    const c = db[k + 1]!;
    const denom = a - 2 * v + c;
    const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
    const level = v - 0.25 * (a - c) * shift;
    peaks.push({ hz: Math.round(((k + shift) * SAMPLE_RATE) / WINDOW), dbfs: Math.round(level * 10) / 10 });
  }
  return peaks.sort((x, y) => y.dbfs - x.dbfs).slice(0, max);
}

/** Keeps the last 256 ms of a stream and reports its tones on demand; silence once the stream stops. */
export class ToneMeter {
  private readonly ring = new Int16Array(WINDOW);
  private pos = 0;
  private filled = 0;
  private lastInputAt = -Infinity;
  private cache: { at: number; tones: ToneReading[] } | null = null;

  constructor(private readonly staleAfterMs = 500, private readonly cacheMs = 200) {}

  push(samples: ArrayLike<number>, nowMs: number): void {
    this.lastInputAt = nowMs;
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.pos] = samples[i]!;
      this.pos = (this.pos + 1) % WINDOW;
    }
    this.filled = Math.min(WINDOW, this.filled + samples.length);
  }

  /** The tones now; without options a result younger than `cacheMs` is reused, so frequent stats reads stay cheap. */
  tones(nowMs: number, opts?: ToneOptions): ToneReading[] {
    if (this.filled === 0 || nowMs - this.lastInputAt > this.staleAfterMs) return [];
    if (!opts && this.cache && nowMs - this.cache.at < this.cacheMs) return this.cache.tones;
    const ordered = new Int16Array(this.filled);
    const start = (this.pos - this.filled + WINDOW) % WINDOW;
    for (let i = 0; i < this.filled; i++) ordered[i] = this.ring[(start + i) % WINDOW]!;
    const tones = tonesIn(ordered, opts);
    if (!opts) this.cache = { at: nowMs, tones };
    return tones;
  }
}

/** Whether `tones` has one within `toleranceHz` of `hz` (and at least `minDbfs` loud). */
export function hasTone(tones: readonly ToneReading[], hz: number, opts: { toleranceHz?: number; minDbfs?: number } = {}): boolean {
  const tolerance = opts.toleranceHz ?? 12;
  return tones.some((t) => Math.abs(t.hz - hz) <= tolerance && t.dbfs >= (opts.minDbfs ?? -Infinity));
}
