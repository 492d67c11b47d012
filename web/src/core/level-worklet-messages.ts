/** What the page tells a level processor (level-worklet.ts) on its node's port. */
export type WorkletMessage =
  /** Post levels to this port too (its other end is with the meters' painter). */
  | { type: 'sink'; id: number; port: MessagePort }
  | { type: 'drop'; id: number }
  /** The page is hidden: post nothing until it shows again. */
  | { type: 'paused'; paused: boolean }
  /** The stream it measured has gone: drop every port and wait, idle, for the next stream (level-worklet-port.ts reuses nodes). */
  | { type: 'release' }
  /** Its context is about to be closed: stop for good (process returns false), so the browser can let the node go. */
  | { type: 'retire' };

/** What a level processor tells the page on its node's port. */
export type ProcessorMessage =
  /** It has stopped: it will not run again, and the node can be collected once nothing refers to it. */
  { type: 'retired' };
