import { memo, useCallback, useRef, useState } from 'react';
import type { Voicemail } from '../../../contracts/api';
import { voicemailAudioUrl } from '../core/api';
import type { PhoneSnapshot } from '../core/controller';
import { describePeer } from '../core/dial-target';
import type { PhoneLib } from '../core/phone-lib';
import { t, useLocale } from '../i18n';
import { formatDuration } from './CallInProgress';
import { VoicemailBadge } from './MissedBadge';
import { usePhone } from './phone-context';
import { formatCallTime } from './recent-call';
import { useVoicemails, useVoicemailStatus } from './use-live';
import { VoicemailUndo } from './VoicemailUndo';
import type { UndoState } from './VoicemailUndo';
import { defaultCountryOf, peerText, usePhoneLib } from './use-phone-lib';

const selectCanCall = (s: PhoneSnapshot) => s.phone.status === 'ready';
const selectConfig = (s: PhoneSnapshot) => s.config;
const selectRegistered = (s: PhoneSnapshot) => s.phone.registration === 'registered';
const SPEEDS = [1, 1.5, 2] as const;
/** The undo window the server grants (10 s), as far as a skewed clock is believed. */
const UNDO_MIN_MS = 3_000;
const UNDO_MAX_MS = 10_000;
const heading = () => document.getElementById('voicemail-heading');

/**
 * Messages callers left when nobody answered, newest first, with a player each. The audio comes from
 * this server (which fetches it from Twilio), and is only fetched once someone presses play.
 */
export function Voicemails() {
  const locale = useLocale();
  const [config, phone] = usePhone(selectConfig);
  const [canCall] = usePhone(selectCanCall);
  const [registered] = usePhone(selectRegistered);
  const lib = usePhoneLib(registered);
  const items = useVoicemails();
  const status = useVoicemailStatus();
  const [undo, setUndo] = useState<UndoState>(null);
  const done = useCallback(() => setUndo(null), []);
  const remove = useCallback(
    async (id: string, name: string) => {
      const result = await phone.live.deleteVoicemail(id);
      if ('error' in result) {
        setUndo({ kind: 'failed', text: t('voicemail.deleteFailed', { reason: result.error }) });
        return;
      }
      // The server's deadline, read on this browser's clock, which may be off by a little or a lot.
      const left = Math.min(UNDO_MAX_MS, Math.max(UNDO_MIN_MS, Date.parse(result.restorableUntil) - Date.now()));
      setUndo({ kind: 'deleted', id, name, until: Date.now() + left });
    },
    [phone],
  );
  const restore = useCallback(
    async (id: string) => {
      const error = await phone.live.restoreVoicemail(id);
      setUndo(error === null ? null : { kind: 'failed', text: t('voicemail.undoFailed', { reason: error }) });
    },
    [phone],
  );

  return (
    <section className="card voicemails" aria-labelledby="voicemail-heading">
      <div className="recents-head">
        <h2 id="voicemail-heading" tabIndex={-1}>
          {t('voicemail.title')}
        </h2>
        <VoicemailBadge />
      </div>
      <VoicemailUndo state={undo} onUndo={(id) => void restore(id)} onDone={done} fallback={heading} />
      {items.length === 0 ? (
        <p className="hint">{status === 'error' ? t('voicemail.loadError') : status === 'ready' ? t('voicemail.empty') : t('voicemail.loading')}</p>
      ) : (
        <div className="recents-scroll">
          <ul className="recents-list" aria-labelledby="voicemail-heading">
            {items.map((v) => (
              <VoicemailRow
                key={v.id}
                voicemail={v}
                country={defaultCountryOf(config)}
                lib={lib}
                locale={locale}
                canCall={canCall}
                onCallBack={(target) => void phone.dial(target)}
                onHeard={(id) => void phone.live.markVoicemailHeard(id)}
                onDelete={(id, name) => void remove(id, name)}
              />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

interface RowProps {
  voicemail: Voicemail;
  country: string;
  lib: PhoneLib | null;
  locale: string;
  canCall: boolean;
  onCallBack: (target: string) => void;
  onHeard: (id: string) => void;
  onDelete: (id: string, name: string) => void;
}

const VoicemailRow = memo(function VoicemailRow({ voicemail: v, country, lib, locale, canCall, onCallBack, onHeard, onDelete }: RowProps) {
  const audio = useRef<HTMLAudioElement>(null);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const name = v.from ? peerText(describePeer(v.from, country, lib)) : t('recents.unknownCaller');
  const nextSpeed = () => {
    const next = SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length]!;
    setSpeed(next);
    if (audio.current) audio.current.playbackRate = next;
  };
  return (
    <li className="voicemail" data-testid="voicemail" data-voicemail-id={v.id} data-heard={v.heard}>
      <div className="voicemail-head">
        <span className="recent-main">
          <span className="recent-peer">
            {name}
            {!v.heard && <span className="recent-new">{t('recents.new')}</span>}
          </span>
          <span className="recent-detail">
            <span>{t('voicemail.length', { duration: formatDuration(v.durationSeconds * 1000) })}</span>
            {v.heardBy.length > 0 && <span className="recent-note">{t('voicemail.heardBy', { names: v.heardBy.join(', ') })}</span>}
          </span>
        </span>
        <time className="recent-time" dateTime={v.createdAt} title={new Date(v.createdAt).toLocaleString(locale)}>
          {formatCallTime(v.createdAt, new Date(), locale)}
        </time>
      </div>
      <div className="voicemail-controls">
        {/* Played to the end counts as heard, as on any phone; the button is for a message read another way. */}
        <audio
          ref={audio}
          className="voicemail-player"
          controls
          preload="none"
          src={voicemailAudioUrl(v.id)}
          aria-label={t('voicemail.player', { name })}
          onEnded={() => !v.heard && onHeard(v.id)}
        />
        <button type="button" className="btn btn-ghost voicemail-speed" onClick={nextSpeed} aria-label={t('voicemail.speed', { speed })}>
          {speed}×
        </button>
        {!v.heard && (
          <button type="button" className="btn" onClick={() => onHeard(v.id)}>
            {t('voicemail.markHeard')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-callback"
          disabled={!canCall || v.from === ''}
          onClick={() => onCallBack(v.from)}
          aria-label={t('recents.callBackName', { name })}
        >
          <span aria-hidden="true">✆</span> <span className="btn-callback-text">{t('recents.callBack')}</span>
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onDelete(v.id, name)} aria-label={t('voicemail.deleteName', { name })}>
          {t('voicemail.delete')}
        </button>
      </div>
    </li>
  );
});
