import type { KeyValueStore } from './prefs';
import type { TabEnv } from './tabs';

export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

export interface NotificationHandle {
  close(): void;
}

/** Everything the controller needs from the browser, so tests can substitute each piece. */
export interface PhoneEnv {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Listens on window (`online`, `offline`) or document (`visibilitychange`, `resume`). */
  listen(target: 'window' | 'document', type: string, fn: () => void): () => void;
  isHidden(): boolean;
  isOnline(): boolean;
  storage?: KeyValueStore;
  tabs: TabEnv;
  notificationPermission(): NotificationPermissionState;
  requestNotificationPermission(): Promise<NotificationPermissionState>;
  notify(title: string, body: string, tag: string, onClick: () => void): NotificationHandle | null;
}

export function browserEnv(): PhoneEnv {
  const hasNotification = typeof Notification !== 'undefined';
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    listen(target, type, fn) {
      const t: EventTarget = target === 'window' ? window : document;
      t.addEventListener(type, fn);
      return () => t.removeEventListener(type, fn);
    },
    isHidden: () => document.visibilityState === 'hidden',
    isOnline: () => navigator.onLine !== false,
    storage: safeLocalStorage(),
    tabs: {
      createChannel: typeof BroadcastChannel === 'undefined' ? undefined : (name) => new BroadcastChannel(name),
      locks: (navigator as Navigator & { locks?: TabEnv['locks'] }).locks,
    },
    notificationPermission: () => (hasNotification ? Notification.permission : 'unsupported'),
    async requestNotificationPermission() {
      if (!hasNotification) return 'unsupported';
      return Notification.requestPermission();
    },
    notify(title, body, tag, onClick) {
      if (!hasNotification || Notification.permission !== 'granted') return null;
      const worker = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
      if (worker?.controller) return notifyThroughWorker(worker, title, body, tag, onClick);
      // The same tag across tabs collapses duplicates into one notification.
      const n = new Notification(title, { body, tag, requireInteraction: true });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
      return n;
    },
  };
}

/**
 * Shown by the service worker, so a click brings the app window forward, or opens it if it was closed
 * (sw/service-worker.ts); the worker then tells the page, which runs `onClick`.
 */
function notifyThroughWorker(worker: ServiceWorkerContainer, title: string, body: string, tag: string, onClick: () => void): NotificationHandle {
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; tag?: string } | null;
    if (data?.type === 'notificationclick' && data.tag === tag) onClick();
  };
  worker.addEventListener('message', onMessage);
  void worker.ready.then((registration) => registration.showNotification(title, { body, tag, requireInteraction: true })).catch(() => undefined);
  return {
    close() {
      worker.removeEventListener('message', onMessage);
      void worker.ready
        .then((registration) => registration.getNotifications({ tag }))
        .then((shown) => shown.forEach((n) => n.close()))
        .catch(() => undefined);
    },
  };
}

function safeLocalStorage(): KeyValueStore | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
