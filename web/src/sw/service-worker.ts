/**
 * The service worker, served as /sw.js. The build (web/scripts/pwa.ts) bundles this file and fills in
 * the version and the list of shell files. Decisions live in rules.ts; this file only wires them to the
 * worker's events.
 *
 * Updates: a new build is a new sw.js. The browser installs it beside the running one, and it waits:
 * the page tells the person and sends SKIP_WAITING only when they reload between calls. A worker that
 * took over on its own could swap the page's code in the middle of a call.
 */
import { cacheName, pickWindow, routeRequest, staleCaches } from './rules';

declare const __SHELL_VERSION__: string;
declare const __SHELL_FILES__: string[];

// Just what this worker uses of the service worker globals (the app's TypeScript config has the DOM's).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WindowClientLike {
  url: string;
  focused: boolean;
  visibilityState: string;
  focus(): Promise<unknown>;
  postMessage(message: unknown): void;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification;
}
interface WorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const CACHE = cacheName(__SHELL_VERSION__);
const SHELL = new Set(__SHELL_FILES__);
const origin = scope.location.origin;

scope.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the shell is exactly this build's files.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(__SHELL_FILES__.map((path) => new Request(path, { cache: 'reload' })))));
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(staleCaches(names, CACHE).map((name) => caches.delete(name))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void scope.skipWaiting();
});

scope.addEventListener('fetch', (event) => {
  const route = routeRequest(event.request, origin, SHELL);
  if (route === 'network') return;
  const key = route === 'shell' ? '/' : event.request;
  event.respondWith(
    caches.match(key, { cacheName: CACHE }).then((cached) => cached ?? fetch(event.request)),
  );
});

scope.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    scope.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const index = pickWindow(windows, origin);
      if (index < 0) return scope.clients.openWindow('/');
      const window = windows[index]!;
      // The page runs what the notification's click means there (the app's own onClick).
      window.postMessage({ type: 'notificationclick', tag: event.notification.tag });
      return window.focus();
    }),
  );
});
