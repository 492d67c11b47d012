import { useEffect } from 'react';
import { t } from '../i18n';
import { useUnseen } from './use-live';

const COUNT_PREFIX = /^\(\d+\)\s*/;

/**
 * The count of missed calls nobody here has looked at yet, beside the Recents heading and in the tab's
 * title, so a hidden tab shows it too. Cleared on every device of the person at once (`unseen` events).
 */
export function MissedBadge() {
  const count = useUnseen()?.missedCalls ?? 0;
  useEffect(() => {
    const base = document.title.replace(COUNT_PREFIX, '');
    document.title = count > 0 ? `(${count}) ${base}` : base;
    return () => {
      document.title = document.title.replace(COUNT_PREFIX, '');
    };
  }, [count]);
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
