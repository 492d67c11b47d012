import type { NotificationPermissionState } from './env';
import { initialState, isInCallState, type PhoneState } from './state';
import type { AppConfig, Session } from './types';

/** Something to tell the person that is not a failure of the phone itself. */
export type Notice =
  | { kind: 'deviceLost'; label: string }
  | { kind: 'handledElsewhere'; decision: 'answered' | 'rejected' | 'ignored' }
  | { kind: 'tokenRefreshFailed' }
  | { kind: 'connectionTrouble' };

/** Everything a UI renders from, replaced as a whole on every change (useSyncExternalStore). */
export interface PhoneSnapshot {
  phone: PhoneState;
  /** True until the first session check has answered. */
  booting: boolean;
  user: Session | null;
  config: AppConfig | null;
  /** The server could not be reached or answered nonsense at start-up. */
  startError: string | null;
  leader: boolean;
  notice: Notice | null;
  notifications: NotificationPermissionState;
  /** Bumped when the list of audio devices or the selection changes. */
  audioVersion: number;
}

export function isCallActive(snapshot: PhoneSnapshot): boolean {
  return isInCallState(snapshot.phone.status);
}

export function initialSnapshot(notifications: NotificationPermissionState): PhoneSnapshot {
  return {
    phone: initialState,
    booting: true,
    user: null,
    config: null,
    startError: null,
    leader: false,
    notice: null,
    notifications,
    audioVersion: 0,
  };
}
