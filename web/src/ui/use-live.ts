/**
 * Hooks over the live stores (history, unseen counts, presence: web/src/core/live-data.ts). Each
 * subscribes to one store, and a row reads only its own record, so a live event re-renders what it
 * changed and nothing else.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { CallRecord, Unseen, Voicemail } from '../../../contracts/api';
import type { HistoryView } from '../core/history-store';
import type { PresenceByUser } from '../core/presence-store';
import { useController } from './phone-context';

export function useHistoryView(): HistoryView {
  const { history } = useController().live;
  return useSyncExternalStore(history.subscribe, history.getView, history.getView);
}

export function useCallRecord(id: string): CallRecord | undefined {
  const { history } = useController().live;
  const get = useCallback(() => history.getRecord(id), [history, id]);
  return useSyncExternalStore(history.subscribe, get, get);
}

export function useUnseen(): Unseen | null {
  const { unseen } = useController().live;
  return useSyncExternalStore(unseen.subscribe, unseen.get, unseen.get);
}

export function useVoicemails(): readonly Voicemail[] {
  const { voicemails } = useController().live;
  return useSyncExternalStore(voicemails.subscribe, voicemails.getItems, voicemails.getItems);
}

export function useVoicemailStatus(): 'idle' | 'ready' | 'error' {
  const { voicemails } = useController().live;
  return useSyncExternalStore(voicemails.subscribe, voicemails.getStatus, voicemails.getStatus);
}

export function usePresence(): PresenceByUser {
  const { presence } = useController().live;
  return useSyncExternalStore(presence.subscribe, presence.get, presence.get);
}
