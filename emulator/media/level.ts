/** Audio level as the far end would notice it: RMS over short windows, in dBFS. */

/** The level reported when nothing (or digital silence) is received. */
export const SILENT_DBFS = -127;

/** RMS level of 16-bit samples relative to full scale; a full-scale sine is about -3 dBFS. */
export function rmsDbfs(sumOfSquares: number, count: number): number {
  if (count === 0 || sumOfSquares === 0) return SILENT_DBFS;
  const rms = Math.sqrt(sumOfSquares / count) / 32768;
  return Math.max(SILENT_DBFS, 20 * Math.log10(rms));
}

export function samplesDbfs(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return rmsDbfs(sum, samples.length);
}

/**
 * Accumulates received samples into fixed windows (250 ms at 8 kHz by default) and keeps the
 * last and the loudest window's level. Time is passed in so that staleness is testable.
 */
export class LevelMeter {
  private sum = 0;
  private count = 0;
  private last = SILENT_DBFS;
  private peak = SILENT_DBFS;
  private lastInputAt = -Infinity;

  constructor(
    private readonly windowSamples = 2000,
    /** After this long without input the level reads as silence, as a listener would hear it. */
    private readonly staleAfterMs = 500,
  ) {}

  push(samples: ArrayLike<number>, nowMs: number): void {
    this.lastInputAt = nowMs;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      this.sum += s * s;
      if (++this.count === this.windowSamples) {
        this.last = rmsDbfs(this.sum, this.count);
        if (this.last > this.peak) this.peak = this.last;
        this.sum = 0;
        this.count = 0;
      }
    }
  }

  level(nowMs: number): number {
    return nowMs - this.lastInputAt > this.staleAfterMs ? SILENT_DBFS : this.last;
  }

  peakLevel(): number {
    return this.peak;
  }
}
