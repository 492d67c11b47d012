import { useEffect } from 'react';
import { t } from '../i18n';

/** What the bar under the Voicemail heading says: a message just deleted (with Undo until the server's deadline), or why an action failed. */
export type UndoState = { kind: 'deleted'; id: string; name: string; until: number } | { kind: 'failed'; text: string } | null;

/** A little before the server's deadline, so a press of Undo still arrives in time. */
const MARGIN_MS = 1000;

export function VoicemailUndo({ state, onUndo, onDone }: { state: UndoState; onUndo: (id: string) => void; onDone: () => void }) {
  useEffect(() => {
    if (state?.kind !== 'deleted') return undefined;
    const timer = setTimeout(onDone, Math.max(0, state.until - MARGIN_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [state, onDone]);
  return (
    <div className="notice-region" role="status">
      {state?.kind === 'deleted' && (
        <div className="banner banner-info" data-testid="voicemail-undo">
          <span>{t('voicemail.deleted', { name: state.name })}</span>
          <button type="button" className="btn" onClick={() => onUndo(state.id)}>
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
