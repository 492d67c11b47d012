/**
 * "A new version is ready": set by the service worker client (service-worker-client.ts) when a new
 * build's worker has installed, read by the banner that offers to reload. Reloading swaps the page's
 * code, so it is offered only between calls (`mayReloadNow`), never during one.
 */
import { isInCallState, type Status } from './state';

export function mayReloadNow(status: Status): boolean {
  return !isInCallState(status);
}

export class AppUpdates {
  private apply: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();

  /** True once a new version waits to be used. */
  getState = (): boolean => this.apply !== null;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  offer(apply: () => void): void {
    this.apply = apply;
    this.listeners.forEach((l) => l());
  }

  /** Starts using the new version (the page reloads). */
  reload(): void {
    this.apply?.();
  }
}
