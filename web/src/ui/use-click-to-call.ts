/** The "Call via my phone" view (web/src/core/click-to-call.ts) for components. */
import { useSyncExternalStore } from 'react';
import type { ClickToCall, ClickToCallView } from '../core/click-to-call';
import { useController } from './phone-context';

export function useClickToCall(): [ClickToCallView, ClickToCall] {
  const { clickToCall } = useController().live;
  const view = useSyncExternalStore(clickToCall.view.subscribe, clickToCall.view.get, clickToCall.view.get);
  return [view, clickToCall];
}
