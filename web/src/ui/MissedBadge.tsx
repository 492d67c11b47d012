import { t } from '../i18n';
import { useUnseen } from './use-live';

/**
 * The count of missed calls nobody here has looked at yet, beside the Recents heading (the tab title and
 * app badge show it too: UnseenIndicator in main.tsx). Cleared on every device of the person at once.
 */
export function MissedBadge() {
  const count = useUnseen()?.missedCalls ?? 0;
  const label = t('recents.badge', { count });
  return (
    <span className="badge-region" role="status">
      {count > 0 && (
        <>
          <span className="badge" data-testid="missed-badge" title={label} aria-hidden="true">
            {count}
          </span>
          <span className="visually-hidden">{label}</span>
        </>
      )}
    </span>
  );
}
