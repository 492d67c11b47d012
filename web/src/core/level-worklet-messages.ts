/** What the page tells a level processor (level-worklet.ts) on its node's port. */
export type WorkletMessage =
  /** Post levels to this port too (its other end is with the meters' painter). */
  | { type: 'sink'; id: number; port: MessagePort }
  | { type: 'drop'; id: number }
  /** The page is hidden: post nothing until it shows again. */
  | { type: 'paused'; paused: boolean }
  /** The stream it measured has gone: drop every port and wait, idle, for the next stream (level-worklet-port.ts reuses nodes). */
  | { type: 'release' };
