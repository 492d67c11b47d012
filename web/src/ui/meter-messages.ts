/** What the page tells the meters' painter (meter-worker.ts) about the meters' canvases, by id. */
export type MeterMessage =
  | { type: 'attach'; id: number; canvas: OffscreenCanvas; color: string }
  /** The canvas's size in device pixels. */
  | { type: 'size'; id: number; width: number; height: number }
  | { type: 'color'; id: number; color: string }
  /** New lengths (0..1 of the track) by meter id: the meters that changed in one frame, in one message. */
  | { type: 'draw'; bars: [id: number, scale: number][] }
  | { type: 'detach'; id: number };
