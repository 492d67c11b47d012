import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AppUpdates } from '../core/app-update';
import type { HeadsetAccess } from '../core/headset-loader';
import type { InstallPrompt } from '../core/install-prompt';

/** What the app offers besides the phone itself: headset buttons, installing, updates. */
export interface AppServices {
  headset: HeadsetAccess;
  install: InstallPrompt | null;
  updates: AppUpdates | null;
}

const NONE: AppServices = {
  headset: { supported: false, load: () => Promise.reject(new Error('WebHID is not available')), restoreGranted: async () => undefined },
  install: null,
  updates: null,
};

const ServicesContext = createContext<AppServices>(NONE);

export function AppServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useAppServices(): AppServices {
  return useContext(ServicesContext);
}

const never = () => () => undefined;

/** A small store's state (subscribe + getState), or `fallback` when the store is absent. */
export function useStoreState<T>(store: { subscribe(l: () => void): () => void; getState(): T } | null, fallback: T): T {
  return useSyncExternalStore(store ? store.subscribe : never, store ? store.getState : () => fallback, store ? store.getState : () => fallback);
}
