import { useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { offerText } from './transfer-offer';
import { peerText, usePeer } from './use-phone-lib';

const selectPhone = (s: PhoneSnapshot) => s.phone;
const selectConfig = (s: PhoneSnapshot) => s.config;

/**
 * Two calls at once, inside the in-call dialog (the page behind it is inert): a second call ringing shows
 * a compact banner (Hold & accept, End & accept, Decline); the other call, held and parked at the server,
 * shows as a compact row with Swap; a parked call in focus (the other one ended) offers Resume. Each is a
 * request to the server; a refusal is shown here in its words.
 */
export function CallWaiting() {
  const [state, phone] = usePhone(selectPhone);
  const [config] = usePhone(selectConfig);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { waiting, background, call } = state;
  const waitingPeer = usePeer(waiting?.peer ?? '', config);
  const otherPeer = usePeer(background?.peer ?? call?.peer ?? '', config);

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    const failed = await action();
    setBusy(false);
    setError(failed);
  }

  const failure = error && (
    <p className="banner banner-error" role="alert">
      {error}
    </p>
  );

  if (waiting) {
    return (
      <>
        <div className="banner banner-info waiting-banner" role="alert" data-testid="call-waiting">
          <span>
            {t('waiting.title', { name: peerText(waitingPeer) })}
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
            <button type="button" className="btn" disabled={busy} onClick={() => phone.control.endAndAccept()}>
              {t('waiting.endAccept')}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => phone.control.declineWaiting()}>
              {t('waiting.decline')}
            </button>
          </span>
        </div>
        {failure}
      </>
    );
  }

  if (background?.parked && call && !call.parked) {
    return (
      <>
        <div className="banner banner-info waiting-banner" data-testid="other-call">
          <span>{t('waiting.other', { name: peerText(otherPeer) })}</span>
          <span className="banner-actions">
            <button type="button" className="btn" disabled={busy || state.status !== 'inCall'} onClick={() => void run(() => phone.control.swap())}>
              {t('waiting.swap')}
            </button>
          </span>
        </div>
        {failure}
      </>
    );
  }

  if (call?.parked) {
    return (
      <>
        <div className="banner banner-info waiting-banner" data-testid="parked-call">
          <span>{busy ? t('waiting.ringBack', { name: peerText(otherPeer) }) : t('waiting.other', { name: peerText(otherPeer) })}</span>
          <span className="banner-actions">
            <button type="button" className="btn btn-accept" disabled={busy} onClick={() => void run(() => phone.control.resumeParked())}>
              {t('waiting.resume')}
            </button>
          </span>
        </div>
        {failure}
      </>
    );
  }
  return failure || null;
}
