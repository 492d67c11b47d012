import { useRef } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { Dialog } from './Dialog';
import { usePhone } from './phone-context';
import { offerText } from './transfer-offer';
import { peerText, usePeer } from './use-phone-lib';

const selectCall = (s: PhoneSnapshot) => s.phone.call;
const selectConfig = (s: PhoneSnapshot) => s.config;

export function IncomingCall() {
  const [call, phone] = usePhone(selectCall);
  const [config] = usePhone(selectConfig);
  const acceptRef = useRef<HTMLButtonElement | null>(null);
  const peer = usePeer(call?.peer ?? '', config);
  const offered = usePeer(call?.offer?.caller ?? '', config);
  if (!call) return null;

  return (
    <Dialog
      title={t('incoming.title')}
      role="alertdialog"
      initialFocus={acceptRef}
      onClose={() => phone.ignore()}
      describedBy="incoming-caller"
      className="incoming-dialog"
    >
      <div className="call-peer" id="incoming-caller">
        <span className="avatar avatar-big ringing" aria-hidden="true">
          {peer.kind === 'colleague' ? peer.name.slice(0, 1).toUpperCase() : '#'}
        </span>
        <p className="caller-name" data-testid="caller-id">
          {peer.kind === 'colleague' ? peer.name : peer.text}
        </p>
        <p className="caller-kind">{peer.kind === 'colleague' ? t('incoming.colleague') : t('incoming.phone')}</p>
        {call.offer && (
          <p className="transfer-offer" data-testid="transfer-offer">
            {offerText(call.offer, peerText(offered))}
          </p>
        )}
      </div>
      <div className="call-controls">
        <button type="button" className="btn btn-round btn-hangup" onClick={() => phone.reject()}>
          {t('incoming.reject')}
        </button>
        <button type="button" className="btn btn-round" onClick={() => phone.ignore()}>
          {t('incoming.ignore')}
        </button>
        <button ref={acceptRef} type="button" className="btn btn-round btn-accept" onClick={() => void phone.accept()}>
          {t('incoming.accept')}
        </button>
      </div>
    </Dialog>
  );
}
