import { useEffect, useRef } from 'react';
import { t } from '../i18n';

/** What the bar under the Voicemail heading says: a message just deleted (with Undo until the server's deadline), or why an action failed. */
export type UndoState = { kind: 'deleted'; id: string; name: string; until: number } | { kind: 'failed'; text: string } | null;

/** A little before the server's deadline, so a press of Undo still arrives in time. */
const MARGIN_MS = 1000;

/**
 * Delete's own button is gone with its row, so Undo takes the focus; when the bar goes while the focus is
 * in it, the focus moves to `fallback` (the list's heading) rather than to the page.
 */
export function VoicemailUndo({ state, onUndo, onDone, fallback }: { state: UndoState; onUndo: (id: string) => void; onDone: () => void; fallback: () => HTMLElement | null }) {
  const undo = useRef<HTMLButtonElement>(null);
  // A focused button that is removed fires no blur in every browser: the flag stays set until used.
  const hadFocus = useRef(false);
  useEffect(() => {
    if (state?.kind === 'deleted') undo.current?.focus();
    else if (state === null && hadFocus.current) {
      hadFocus.current = false;
      fallback()?.focus();
    }
  }, [state, fallback]);
  useEffect(() => {
    if (state?.kind !== 'deleted') return undefined;
    const timer = setTimeout(onDone, Math.max(0, state.until - MARGIN_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [state, onDone]);
  return (
    <div
      className="notice-region"
      role="status"
      onFocus={() => void (hadFocus.current = true)}
      onBlur={(e) => void (e.currentTarget.contains(e.relatedTarget as Node | null) || (hadFocus.current = false))}
    >
      {state?.kind === 'deleted' && (
        <div className="banner banner-info" data-testid="voicemail-undo">
          <span>{t('voicemail.deleted', { name: state.name })}</span>
          <button type="button" className="btn" ref={undo} onClick={() => onUndo(state.id)}>
            {t('voicemail.undo')}
          </button>
        </div>
      )}
      {state?.kind === 'failed' && (
        <div className="banner banner-warn">
          <span>{state.text}</span>
          <button type="button" className="btn" onClick={onDone}>
            {t('problem.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
