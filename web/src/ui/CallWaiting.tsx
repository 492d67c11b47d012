import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { offerText } from './transfer-offer';
import { peerText, usePeer } from './use-phone-lib';

const selectPhone = (s: PhoneSnapshot) => s.phone;
const selectConfig = (s: PhoneSnapshot) => s.config;

/**
 * A second call ringing during a call: a compact banner inside the in-call dialog (the page behind it is
 * inert), with End & accept and Decline. Holding the first call while answering the second waits for the
 * server to park a call: the Voice SDK hangs up a Device's active call when it accepts another.
 */
export function CallWaiting() {
  const [state, phone] = usePhone(selectPhone);
  const [config] = usePhone(selectConfig);
  const { waiting } = state;
  const peer = usePeer(waiting?.peer ?? '', config);

  if (!waiting) return null;
  return (
    <div className="banner banner-info waiting-banner" role="alert" data-testid="call-waiting">
      <span>
        {t('waiting.title', { name: peerText(peer) })}
        {waiting.offer && (
          <>
            {' · '}
            {offerText(waiting.offer, waiting.offer.caller)}
          </>
        )}
      </span>
      <span className="banner-actions">
        <button type="button" className="btn btn-accept" onClick={() => phone.control.endAndAccept()}>
          {t('waiting.endAccept')}
        </button>
        <button type="button" className="btn" onClick={() => phone.control.declineWaiting()}>
          {t('waiting.decline')}
        </button>
      </span>
    </div>
  );
}
