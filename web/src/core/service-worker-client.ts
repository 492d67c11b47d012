/**
 * Registers the service worker (/sw.js) and turns its life cycle into an `AppUpdates` offer. Loaded
 * after the phone has registered, so it never competes with start-up.
 *
 * A new build's worker installs in the background and waits. The person is told; their **Reload**
 * sends it SKIP_WAITING, and when it takes control the page reloads. If another tab applied the update,
 * this tab is told too and reloads only when its person says so, between calls.
 */
import type { AppUpdates } from './app-update';

/** Long-lived tabs look for a new version this often (and whenever they become visible). */
const CHECK_EVERY_MS = 30 * 60 * 1000;

export async function startServiceWorker(updates: AppUpdates, log: (text: string) => void): Promise<void> {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container) return;
  let registration: ServiceWorkerRegistration;
  try {
    registration = await container.register('/sw.js');
  } catch (error) {
    // Most often a certificate the browser was told to ignore (local mode): everything else still works.
    log(`Offline start-up is off: the service worker could not be registered (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  let hadController = container.controller !== null;
  let requested = false;
  const offer = (worker: ServiceWorker) => {
    log('A new version of the app is ready');
    updates.offer(() => {
      requested = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
  };
  if (registration.waiting && hadController) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && container.controller) offer(worker);
    });
  });
  container.addEventListener('controllerchange', () => {
    // The first worker taking control of a first visit is not an update.
    if (!hadController) {
      hadController = true;
      return;
    }
    if (requested) window.location.reload();
    else updates.offer(() => window.location.reload());
  });
  const check = () => void registration.update().catch(() => undefined);
  window.setInterval(check, CHECK_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}
