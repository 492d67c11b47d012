import { createContext, useCallback, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { PhoneController, PhoneSnapshot } from '../core/controller';
import type { LogView } from '../core/log';

const PhoneContext = createContext<PhoneController | null>(null);

export function PhoneProvider({ controller, children }: { controller: PhoneController; children: ReactNode }) {
  return <PhoneContext.Provider value={controller}>{children}</PhoneContext.Provider>;
}

/** The controller itself, for components that read its other stores (live.ts) or only call it. */
export function useController(): PhoneController {
  const controller = useContext(PhoneContext);
  if (!controller) throw new Error('usePhone() needs a <PhoneProvider>');
  return controller;
}

/**
 * The one way components read the phone: a slice of the snapshot plus the controller's methods.
 * The selector must return a value from the snapshot (not a new object) so unrelated changes
 * do not re-render the component.
 */
export function usePhone<T>(selector: (snapshot: PhoneSnapshot) => T): [T, PhoneController] {
  const controller = useController();
  const getSelected = useCallback(() => selector(controller.getSnapshot()), [controller, selector]);
  const value = useSyncExternalStore(controller.subscribe, getSelected, getSelected);
  return [value, controller];
}

/** The device log, kept out of the snapshot so logging never re-renders the app. */
export function usePhoneLog(): [LogView, PhoneController] {
  const controller = useController();
  const view = useSyncExternalStore(controller.log.subscribe, controller.log.getView, controller.log.getView);
  return [view, controller];
}
