import type { Reason } from '../core/reasons';
import { t, type MessageKey } from '../i18n';
import { usePhone } from './phone-context';

const HELP: Partial<Record<Reason, MessageKey>> = {
  micBlocked: 'reason.micBlocked.help',
  micUnavailable: 'reason.micUnavailable.help',
};

export function reasonText(reason: Reason): string {
  return t(`reason.${reason}` as MessageKey);
}

const selectPhone = (s: { phone: import('../core/state').PhoneState }) => s.phone;

/** Why the last call failed, or why the phone is not working, in words with what to do. */
export function ProblemBanner() {
  const [phoneState, phone] = usePhone(selectPhone);
  const { problem, status } = phoneState;
  if (!problem) return null;
  const help = HELP[problem.reason];
  const fatal = status === 'error';
  return (
    <div className={`banner ${fatal ? 'banner-error' : 'banner-warn'}`} role="alert">
      <div>
        <strong>{fatal ? t('error.title') : status === 'signedOut' ? '' : t('reason.title')}</strong>{' '}
        <span>{reasonText(problem.reason)}</span>
        {help && <p className="banner-help">{t(help)}</p>}
        {problem.reason === 'unknown' && problem.detail && <p className="banner-help">{problem.detail}</p>}
      </div>
      <div className="banner-actions">
        {fatal ? (
          <button type="button" className="btn btn-primary" onClick={() => void phone.retry()}>
            {t('error.retry')}
          </button>
        ) : (
          status !== 'signedOut' && (
            <button type="button" className="btn" onClick={() => phone.dismissProblem()}>
              {t('problem.dismiss')}
            </button>
          )
        )}
      </div>
    </div>
  );
}
