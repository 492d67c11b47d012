/** What the page tells the meters' painter (meter-worker.ts) about the meters' canvases, by id. */
export type MeterMessage =
  | { type: 'attach'; id: number; canvas: OffscreenCanvas; color: string }
  /** The canvas's size in device pixels. */
  | { type: 'size'; id: number; width: number; height: number }
  | { type: 'color'; id: number; color: string }
  /** New lengths (0..1 of the track) by meter id: the meters that changed in one frame, in one message. */
  | { type: 'draw'; bars: [id: number, scale: number][] }
  /**
   * The meter's levels arrive on this port from now on, straight from the audio thread (levels on a
   * decibel scale, level-window.ts); null: they stopped, the bar falls to zero.
   */
  | { type: 'levels'; id: number; port: MessagePort | null }
  | { type: 'detach'; id: number };

/** What the painter tells the page: a meter's accessible value, at most once a second (levels.ts). */
export interface MeterReport {
  type: 'aria';
  id: number;
  value: number;
}
