/**
 * A stream's level as a meter shows it, from its samples: the RMS of the samples over one meter frame
 * (1/fps of a second), on a decibel scale from LEVEL_FLOOR_DB (0) to full scale (1). Speech moves
 * evenly across that range; on a linear scale it would sit at the bottom. Pure, so the audio thread's
 * processor (level-worklet.ts) and the tests share it.
 */

/** The quietest level a meter shows above zero: below it is room noise. */
export const LEVEL_FLOOR_DB = -60;

/** Full-scale RMS → 1, LEVEL_FLOOR_DB → 0, on a dB scale. */
export function levelOfRms(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB));
}

export class LevelWindow {
  private readonly frameSamples: number;
  private sumOfSquares = 0;
  private samples = 0;

  constructor(sampleRate: number, fps: number) {
    this.frameSamples = Math.max(1, Math.round(sampleRate / fps));
  }

  /** Adds one block of samples; returns the level when a meter frame is complete, else null. */
  add(block: ArrayLike<number>): number | null {
    let sum = 0;
    for (let i = 0; i < block.length; i++) sum += block[i]! * block[i]!;
    this.sumOfSquares += sum;
    this.samples += block.length;
    if (this.samples < this.frameSamples) return null;
    const level = levelOfRms(Math.sqrt(this.sumOfSquares / this.samples));
    this.reset();
    return level;
  }

  /** Forgets a partial frame: after a pause, the next frame holds only new sound. */
  reset(): void {
    this.sumOfSquares = 0;
    this.samples = 0;
  }
}
