import { useId, useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { usePresence } from './use-live';

const selectIdentity = (s: PhoneSnapshot) => s.user?.identity ?? '';

/**
 * Available, or Do not disturb (off): whether calls to the team number ring this person. Shown
 * changed at once; if the server refuses, it flips back and says why.
 */
export function AvailabilitySwitch() {
  const [identity, phone] = usePhone(selectIdentity);
  const presence = usePresence()[identity];
  const [problem, setProblem] = useState<string | null>(null);
  const hintId = useId();
  const available = presence?.availability !== 'dnd';

  const toggle = async () => {
    setProblem(null);
    const failed = await phone.live.setAvailability(available ? 'dnd' : 'available');
    if (failed) setProblem(t('availability.failed', { detail: failed }));
  };

  return (
    <div className={`availability ${available ? 'is-available' : 'is-dnd'}`}>
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={available}
        aria-describedby={available ? undefined : hintId}
        onClick={() => void toggle()}
        data-testid="availability"
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label">{t('availability.label')}</span>
      </button>
      {!available && (
        <span className="availability-dnd" id={hintId} title={t('availability.dndHint')}>
          {t('availability.dnd')}
          <span className="visually-hidden">: {t('availability.dndHint')}</span>
        </span>
      )}
      {problem && (
        <span className="availability-problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
