/** `at` is the feed's clock when the frame was let through, for listeners that pace their own work. */
export type LevelListener = (input: number, output: number, at: number) => void;

/**
 * Meters need no more frames than the eye does. The SDK reports levels every ~51 ms (a chained 50 ms
 * timer), so every second report gets through: about 10 frames a second.
 */
export const METER_MAX_FPS = 10;

export interface LevelClock {
  now(): number;
  /** While the page is hidden nothing is drawn, so no frame is let through. */
  isHidden(): boolean;
}

/**
 * Audio levels (0..1) for meters that draw without React: the call's levels and the microphone
 * preview's. Kept out of the snapshot so a level never re-renders the app. The SDK reports levels 20
 * times a second for a call and on every animation frame for the preview; this lets at most
 * `maxFps` frames a second through, each carrying the loudest level since the last one (so a short
 * peak still shows), and none while the page is hidden.
 */
export class LevelFeed {
  private readonly listeners = new Set<LevelListener>();
  private readonly minGapMs: number;
  private lastFrameAt = -Infinity;
  private peakInput = 0;
  private peakOutput = 0;

  constructor(
    private readonly clock: LevelClock,
    maxFps = METER_MAX_FPS,
  ) {
    this.minGapMs = 1000 / maxFps;
  }

  subscribe(listener: LevelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(input: number, output: number): void {
    if (this.listeners.size === 0 || this.clock.isHidden()) {
      this.peakInput = 0;
      this.peakOutput = 0;
      return;
    }
    this.peakInput = Math.max(this.peakInput, input);
    this.peakOutput = Math.max(this.peakOutput, output);
    const now = this.clock.now();
    if (now - this.lastFrameAt < this.minGapMs) return;
    this.lastFrameAt = now;
    const frame: [number, number] = [this.peakInput, this.peakOutput];
    this.peakInput = 0;
    this.peakOutput = 0;
    this.listeners.forEach((l) => l(frame[0], frame[1], now));
  }
}

/** How often a meter's accessible value may change: screen readers need no live figure. */
export const METER_ARIA_INTERVAL_MS = 1000;
/** Bar lengths a meter can show; a level that rounds to the same step writes nothing. */
const METER_STEPS = 50;

/** What a meter writes for a frame: the bar's scale (0..1) and its accessible value (0..100), when they change. */
export interface MeterWrite {
  scale?: number;
  ariaValue?: number;
}

/**
 * The decisions of one level meter, apart from the DOM: the bar follows the square root of the SDK's
 * level (speech sits low on a linear scale), in steps, so silence and steady sound write nothing; the
 * accessible value changes at most once a second.
 */
export class MeterModel {
  private scale = 0;
  private ariaValue = 0;
  private ariaAt = -Infinity;

  /**
   * `shape` maps a level to the bar's length: the square root for the SDK's levels; none for levels
   * already on a decibel scale (level-window.ts).
   */
  constructor(private readonly shape: (level: number) => number = Math.sqrt) {}

  frame(level: number, at: number): MeterWrite {
    const write: MeterWrite = {};
    const scale = Math.round(Math.min(1, this.shape(Math.max(0, level))) * METER_STEPS) / METER_STEPS;
    if (scale !== this.scale) {
      this.scale = scale;
      write.scale = scale;
    }
    const ariaValue = Math.round(scale * 100);
    if (ariaValue !== this.ariaValue && at - this.ariaAt >= METER_ARIA_INTERVAL_MS) {
      this.ariaValue = ariaValue;
      this.ariaAt = at;
      write.ariaValue = ariaValue;
    }
    return write;
  }
}
