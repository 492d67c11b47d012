/**
 * One shared 20 ms media clock for every leg in the process: one timer instead of one per leg,
 * and drift-free because ticks are counted against the monotonic clock rather than added up.
 */
const FRAME_MS = 20;
/** After a stall (GC, busy event loop) skip ahead instead of bursting a backlog of frames. */
const MAX_CATCH_UP = 5;

type Tick = () => void;
const subscribers = new Set<Tick>();
let timer: NodeJS.Timeout | null = null;
let start = 0;
let done = 0;
/** Ticks since the process started, never reset: mixers use it to mix once per tick whoever asks first. */
let ticks = 0;

function wake(): void {
  const due = Math.floor((performance.now() - start) / FRAME_MS);
  if (due - done > MAX_CATCH_UP) done = due - MAX_CATCH_UP;
  while (done < due) {
    done++;
    ticks++;
    for (const fn of subscribers) {
      try {
        fn();
      } catch {
        // A failing leg must not stop the clock for the others; legs log their own errors.
      }
    }
  }
}

/** Calls `fn` every 20 ms until the returned function is called. */
export function onMediaTick(fn: Tick): () => void {
  subscribers.add(fn);
  if (!timer) {
    start = performance.now();
    done = 0;
    timer = setInterval(wake, FRAME_MS / 2);
  }
  return () => {
    subscribers.delete(fn);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The number of the current 20 ms tick; the same for every subscriber called in one tick. */
export function mediaTickCount(): number {
  return ticks;
}
