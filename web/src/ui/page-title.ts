/**
 * The tab title has two writers: the unseen counts ("(2) Softphone", main.tsx's UnseenIndicator) and a
 * call's timer ("0:12 · Call with Bob"). Each sets its own part here, so a count that changes during a
 * call is not lost when the call's title gives way again.
 */
let base: string | null = null;
let call: string | null = null;

function apply(): void {
  const next = call ?? base;
  if (next !== null && document.title !== next) document.title = next;
}

/** The title between calls. */
export function setBaseTitle(title: string): void {
  base = title;
  apply();
}

/** The title during a call; null when the call ends and the base title returns. */
export function setCallTitle(title: string | null): void {
  base ??= document.title;
  call = title;
  apply();
}
