import { memo } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { describePeer } from '../core/dial-target';
import type { PhoneLib } from '../core/phone-lib';
import { t, type MessageKey } from '../i18n';
import { formatCallTime, describeCall, type CallWay } from './recent-call';
import { usePhone } from './phone-context';
import { peerText } from './use-phone-lib';
import { useCallRecord } from './use-live';

const selectCanCall = (s: PhoneSnapshot) => s.phone.status === 'ready';

const WAY_ICON: Record<CallWay, string> = { incoming: '↙', outgoing: '↗', missed: '↙' };
const WAY_WORDS: Record<CallWay, MessageKey> = { incoming: 'recents.incoming', outgoing: 'recents.outgoing', missed: 'recents.missedCall' };

export interface RecentRowProps {
  id: string;
  identity: string;
  country: string;
  lib: PhoneLib | null;
  locale: string;
  onCallBack: (target: string) => void;
  /** Opens the conversation with a phone number in Messages. */
  onText: (number: string) => void;
}

/**
 * One call in Recents. It reads its own record, so a live update to this call re-renders this row only;
 * a call starting or ending re-renders its Call back button only.
 */
export const RecentRow = memo(function RecentRow({ id, identity, country, lib, locale, onCallBack, onText }: RecentRowProps) {
  const record = useCallRecord(id);
  if (!record) return null;
  const call = describeCall(record, identity);
  const name = call.peer ? peerText(describePeer(call.peer, country, lib)) : t('recents.unknownCaller');
  return (
    <li className={`recent recent-${call.way}`} data-testid="recent-call" data-call-id={record.id} data-outcome={record.outcome ?? 'ongoing'}>
      <span className="recent-icon" role="img" aria-label={t(WAY_WORDS[call.way])}>
        {WAY_ICON[call.way]}
      </span>
      <span className="recent-main">
        <span className="recent-peer">
          {name}
          {call.unseen && <span className="recent-new">{t('recents.new')}</span>}
        </span>
        <span className="recent-detail">
          <span className="recent-summary">{call.summary}</span>
          {call.notes.map((note) => (
            <span key={note} className="recent-note">
              {note}
            </span>
          ))}
        </span>
      </span>
      <time className="recent-time" dateTime={record.startedAt} title={new Date(record.startedAt).toLocaleString(locale)}>
        {formatCallTime(record.startedAt, new Date(), locale)}
      </time>
      <CallBackButton target={call.callBack} name={name} onCallBack={onCallBack} />
      {call.callBack?.startsWith('+') && (
        <button type="button" className="btn btn-ghost btn-text" onClick={() => onText(call.callBack!)} aria-label={t('recents.textName', { name })}>
          <span aria-hidden="true">✉</span>
        </button>
      )}
    </li>
  );
});

function CallBackButton({ target, name, onCallBack }: { target: string | null; name: string; onCallBack: (target: string) => void }) {
  const [canCall] = usePhone(selectCanCall);
  return (
    <button
      type="button"
      className="btn btn-callback"
      disabled={!canCall || target === null}
      onClick={() => target && onCallBack(target)}
      aria-label={t('recents.callBackName', { name })}
    >
      <span aria-hidden="true">✆</span> <span className="btn-callback-text">{t('recents.callBack')}</span>
    </button>
  );
}
