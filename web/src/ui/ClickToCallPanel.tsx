import type { ClickToCallProgress } from '../../../contracts/api/click-to-call';
import { t, type MessageKey } from '../i18n';
import { useClickToCall } from './use-click-to-call';

const REASONS = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled', 'no-key', 'refused']);

function stageText(p: ClickToCallProgress): string {
  const to = p.to;
  switch (p.stage) {
    case 'calling-you':
      return t('myPhone.stage.callingYou', { via: p.via });
    case 'press-1':
      return t('myPhone.stage.press1', { to });
    case 'calling-destination':
      return t('myPhone.stage.callingDestination', { to });
    case 'connected':
      return t('myPhone.stage.connected', { to });
    default:
      return t(`myPhone.ended.${p.reason !== null && REASONS.has(p.reason) ? p.reason : 'completed'}` as MessageKey);
  }
}

/** A call placed via the user's own phone: how far it got, and Hang up (any tab of theirs can). */
export function ClickToCallPanel() {
  const [view, clickToCall] = useClickToCall();
  const { progress, error } = view;
  if (!progress && !error) return null;
  const live = progress !== null && progress.stage !== 'ended';
  return (
    <section className="card click-to-call" aria-labelledby="click-to-call-heading">
      <h2 id="click-to-call-heading">{t('myPhone.heading')}</h2>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {progress && (
        <p role="status" data-testid="click-to-call-stage" data-stage={progress.stage}>
          {stageText(progress)}
        </p>
      )}
      <div className="dialog-actions">
        {live ? (
          <button type="button" className="btn btn-hangup" onClick={() => void clickToCall.hangUp()}>
            {t('myPhone.hangUp')}
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => clickToCall.dismiss()}>
            {t('myPhone.dismiss')}
          </button>
        )}
      </div>
    </section>
  );
}
