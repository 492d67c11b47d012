import type { PhoneEnv } from './env';

/** Past the second boundary, so the shown second has surely turned even if the timer fires a little early. */
const AFTER_BOUNDARY_MS = 15;

/**
 * A call's clock: `tick(elapsedMs, visible)` at once, then on every whole second since `startedAt`,
 * one timer at a time. The call timer rewrites its text on visible ticks only (a hidden page paints
 * nothing); the tab title follows every tick, so a hidden tab still shows the call going on. When the
 * page shows again the clock ticks at once instead of waiting for the next second. Returns the stop.
 */
export function everyCallSecond(
  env: Pick<PhoneEnv, 'now' | 'setTimeout' | 'clearTimeout' | 'isHidden' | 'listen'>,
  startedAt: number,
  tick: (elapsedMs: number, visible: boolean) => void,
): () => void {
  let timer: unknown = null;
  const run = () => {
    if (timer !== null) env.clearTimeout(timer);
    const elapsed = Math.max(0, env.now() - startedAt);
    tick(elapsed, !env.isHidden());
    timer = env.setTimeout(run, 1000 - (elapsed % 1000) + AFTER_BOUNDARY_MS);
  };
  const offVisibility = env.listen('document', 'visibilitychange', () => {
    if (!env.isHidden()) run();
  });
  run();
  return () => {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
    offVisibility();
  };
}
