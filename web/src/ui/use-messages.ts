import { useSyncExternalStore } from 'react';
import type { MessagesView } from '../core/messages-store';
import { useController } from './phone-context';

/** The text conversations as this tab shows them (web/src/core/messages-store.ts). */
export function useMessagesView(): MessagesView {
  const { messages } = useController().live;
  return useSyncExternalStore(messages.subscribe, messages.getView, messages.getView);
}
