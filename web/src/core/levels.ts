export type LevelListener = (input: number, output: number) => void;

/**
 * Audio levels (0..1) for meters that draw without React: the call's levels and the microphone
 * preview's. Kept out of the snapshot so a level never re-renders the app; every level passes
 * through here, so this is where a meter frame-rate limit belongs.
 */
export class LevelFeed {
  private readonly listeners = new Set<LevelListener>();

  subscribe(listener: LevelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(input: number, output: number): void {
    this.listeners.forEach((l) => l(input, output));
  }
}
