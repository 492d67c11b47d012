import { useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { offerText } from './transfer-offer';
import { peerText, usePeer } from './use-phone-lib';

const selectPhone = (s: PhoneSnapshot) => s.phone;
const selectConfig = (s: PhoneSnapshot) => s.config;

/**
 * The second call, inside the in-call dialog (the page behind it is inert): a compact banner while it
 * rings (Hold & accept, Decline), then a line for the call held in the background with Swap.
 */
export function CallWaiting() {
  const [state, phone] = usePhone(selectPhone);
  const [config] = usePhone(selectConfig);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { waiting, background, status } = state;
  const peer = usePeer(waiting?.peer ?? '', config);
  const held = usePeer(background?.peer ?? '', config);

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    setError(await action());
    setBusy(false);
  }

  if (!waiting && !background) return null;
  return (
    <div className="call-waiting">
      {waiting && (
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
            <button type="button" className="btn btn-accept" disabled={busy} onClick={() => void run(() => phone.control.holdAndAccept())}>
              {t('waiting.holdAccept')}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => phone.control.declineWaiting()}>
              {t('waiting.decline')}
            </button>
          </span>
        </div>
      )}
      {background && (
        <div className="banner background-call" data-testid="background-call">
          <span>{t('control.otherCall', { name: peerText(held) })}</span>
          <button type="button" className="btn" disabled={busy || status !== 'inCall'} onClick={() => void run(() => phone.control.swap())}>
            {t('control.swap')}
          </button>
        </div>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
