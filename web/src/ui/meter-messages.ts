/** What the page tells the meters' painter (meter-worker.ts) about one meter's canvas, by its id. */
export type MeterMessage =
  | { type: 'attach'; id: number; canvas: OffscreenCanvas; color: string }
  /** The canvas's size in device pixels. */
  | { type: 'size'; id: number; width: number; height: number }
  | { type: 'color'; id: number; color: string }
  /** The bar's length, 0..1 of the track. */
  | { type: 'draw'; id: number; scale: number }
  | { type: 'detach'; id: number };
