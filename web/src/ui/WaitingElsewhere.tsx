import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { peerText, usePeer } from './use-phone-lib';

const selectQuietCall = (s: PhoneSnapshot) => (s.phone.status === 'ready' ? s.phone.waiting : null);
const selectConfig = (s: PhoneSnapshot) => s.config;

/**
 * A second call while the person is on a call in another tab: said here quietly, with nothing to
 * press. The tab with the call shows the call-waiting banner (Hold & accept needs that tab's call);
 * a dialog here would cover whatever the person came to this tab for, and answering here would
 * leave the first call talking in the other tab.
 */
export function WaitingElsewhere() {
  const [waiting] = usePhone(selectQuietCall);
  const [config] = usePhone(selectConfig);
  const peer = usePeer(waiting?.peer ?? '', config);
  if (!waiting) return null;
  return (
    <p className="banner banner-info" role="status" data-testid="waiting-elsewhere">
      {t('waiting.elsewhere', { name: peerText(peer) })}
    </p>
  );
}
