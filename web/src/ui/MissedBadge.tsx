import { t } from '../i18n';
import { useUnseen } from './use-live';

/** A count beside a heading, read out by screen readers when it changes; nothing when zero. */
export function CountBadge({ count, label, testId }: { count: number; label: string; testId: string }) {
  return (
    <span className="badge-region" role="status">
      {count > 0 && (
        <>
          <span className="badge" data-testid={testId} title={label} aria-hidden="true">
            {count}
          </span>
          <span className="visually-hidden">{label}</span>
        </>
      )}
    </span>
  );
}

/**
 * The count of missed calls nobody here has looked at yet, beside the Recents heading (the tab title and
 * app badge show it too: UnseenIndicator in main.tsx). Cleared on every device of the person at once.
 */
export function MissedBadge() {
  const count = useUnseen()?.missedCalls ?? 0;
  return <CountBadge count={count} label={t('recents.badge', { count })} testId="missed-badge" />;
}

/** The unheard voicemails, beside the Voicemail heading. */
export function VoicemailBadge() {
  const count = useUnseen()?.voicemails ?? 0;
  return <CountBadge count={count} label={t('voicemail.badge', { count })} testId="voicemail-badge" />;
}
