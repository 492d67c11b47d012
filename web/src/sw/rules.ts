/**
 * The service worker's decisions, as pure functions (table-tested in rules.test.ts). The worker caches
 * exactly the files the build lists (the app shell: index.html, its scripts and styles, icons,
 * manifest) and answers navigations with the cached index.html. Everything else goes to the network
 * untouched: the API and its tokens, ringtones, the emulator, recordings, webhooks. Nothing the server
 * answers at run time is ever stored.
 */
export const CACHE_PREFIX = 'softphone-shell-';

export const cacheName = (version: string) => `${CACHE_PREFIX}${version}`;

/** Never the app: the server's own routes (the same list the server keeps in routes/static.ts). */
const NOT_THE_APP = /^\/(api|assets\/.*\.map$|emulator|handle_calls|signal|2010-04-01|sounds|healthz|sw\.js)(\/|$)/;

export type Route = 'shell' | 'precached' | 'network';

export interface RequestFacts {
  method: string;
  url: string;
  mode: string;
}

export function routeRequest(request: RequestFacts, origin: string, precached: ReadonlySet<string>): Route {
  if (request.method !== 'GET') return 'network';
  const url = new URL(request.url);
  if (url.origin !== origin || NOT_THE_APP.test(url.pathname)) return 'network';
  if (request.mode === 'navigate') return 'shell';
  return precached.has(url.pathname) && url.search === '' ? 'precached' : 'network';
}

/** The shell caches of other versions, to delete once this version is active. */
export function staleCaches(names: readonly string[], current: string): string[] {
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
}

export interface WindowFacts {
  url: string;
  focused: boolean;
  visibilityState: string;
}

/** The app window a notification click should bring forward: focused, else visible, else any; -1 for none. */
export function pickWindow(windows: readonly WindowFacts[], origin: string): number {
  const ours = windows.map((w, i) => ({ w, i })).filter(({ w }) => new URL(w.url).origin === origin && !NOT_THE_APP.test(new URL(w.url).pathname));
  const best = ours.find(({ w }) => w.focused) ?? ours.find(({ w }) => w.visibilityState === 'visible') ?? ours[0];
  return best ? best.i : -1;
}
