import type { Presence } from '../../../contracts/api';
import { presenceState } from '../core/presence-store';
import { t } from '../i18n';

/** Available, Do not disturb or On a call, beside a colleague's name; nothing while unknown. */
export function PresenceLabel({ presence }: { presence: Presence | undefined }) {
  const state = presenceState(presence);
  if (!state) return null;
  return (
    <span className={`presence presence-${state}`} data-testid="presence">
      <span className="presence-dot" aria-hidden="true" />
      {t(`presence.${state}`)}
    </span>
  );
}
