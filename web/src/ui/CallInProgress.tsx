import { useEffect, useRef, useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t, type MessageKey } from '../i18n';
import { CallControls } from './CallControls';
import { CallWaiting } from './CallWaiting';
import { Dialog } from './Dialog';
import { DIAL_KEYS, Keypad } from './Keypad';
import { Meter } from './Meter';
import { usePhone } from './phone-context';
import { peerText, usePeer } from './use-phone-lib';
import { setCallTitle } from './page-title';

const selectPhone = (s: PhoneSnapshot) => s.phone;
const selectConfig = (s: PhoneSnapshot) => s.config;
const selectNotice = (s: PhoneSnapshot) => s.notice;
const noSelection = () => null;

const KNOWN_WARNINGS = new Set([
  'high-rtt',
  'low-mos',
  'high-jitter',
  'high-packet-loss',
  'constant-audio-input-level',
  'constant-audio-output-level',
  'ice-connectivity-lost',
]);

function warningText(name: string): string {
  return KNOWN_WARNINGS.has(name) ? t(`warning.${name}` as MessageKey) : t('warning.other', { name });
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * A running clock that rewrites its own text once a second instead of re-rendering the dialog, and
 * only while the page is visible. The tab title carries the duration too, so a hidden tab still shows
 * the call going on.
 */
function Timer({ startedAt, title }: { startedAt: number; title: string }) {
  const [, phone] = usePhone(noSelection);
  const ref = useRef<HTMLSpanElement | null>(null);
  useEffect(() => {
    const stop = phone.onCallSecond(startedAt, (elapsed, visible) => {
      const text = formatDuration(elapsed);
      if (visible && ref.current && ref.current.textContent !== text) ref.current.textContent = text;
      setCallTitle(`${text} · ${title}`);
    });
    return () => {
      stop();
      setCallTitle(null);
    };
  }, [phone, startedAt, title]);
  return (
    <span ref={ref} className="timer" role="timer" aria-label={t('call.duration')} data-testid="call-timer">
      {formatDuration(phone.now() - startedAt)}
    </span>
  );
}

export function CallInProgress() {
  const [state, phone] = usePhone(selectPhone);
  const [config] = usePhone(selectConfig);
  const [notice] = usePhone(selectNotice);
  const [keypadOpen, setKeypadOpen] = useState(false);
  const [sent, setSent] = useState('');
  const call = state.call;
  const peer = usePeer(call?.peer ?? '', config);
  if (!call) return null;
  const { status } = state;
  const live = status === 'inCall' || status === 'reconnecting';

  function sendDigit(key: string) {
    phone.sendDigits(key);
    setSent((s) => (s + key).slice(-24));
  }

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.tagName === 'INPUT' || target.tagName === 'SELECT') return;
    if (event.key === 'm' || event.key === 'M') {
      event.preventDefault();
      phone.toggleMute();
    } else if (live && DIAL_KEYS.has(event.key)) {
      event.preventDefault();
      sendDigit(event.key);
    }
  }

  const onHold = !!(call.control?.held || call.control?.onHold);
  const statusLine =
    status === 'inCall' && onHold
      ? t('control.onHold')
      : status === 'dialing' ? t('call.dialing') : status === 'ringing' ? t('call.ringing') : status === 'reconnecting' ? t('call.reconnecting') : t('call.connected');

  const title = t('call.title', { name: peerText(peer) });

  return (
    <Dialog
      title={title}
      initialFocus="panel"
      onClose={keypadOpen ? () => setKeypadOpen(false) : undefined}
      className="call-dialog"
    >
      <div onKeyDown={onKeyDown}>
        <div className="call-peer">
          <span className="avatar avatar-big" aria-hidden="true">
            {peer.kind === 'colleague' ? peer.name.slice(0, 1).toUpperCase() : '#'}
          </span>
          <p className="call-status" role="status" data-testid="call-status" data-state={status} data-held={onHold}>
            {status === 'reconnecting' && <span className="spinner" aria-hidden="true" />}
            {statusLine}
          </p>
          {call.startedAt !== null && <Timer startedAt={call.startedAt} title={title} />}
        </div>

        {call.control?.held && <p className="muted-note">{t('control.heldNote')}</p>}
        <CallWaiting />

        {call.warnings.length > 0 && (
          <p className="banner banner-warn" role="status" data-testid="call-warnings">
            {t('call.quality', { warnings: call.warnings.map(warningText).join(', ') })}
          </p>
        )}
        {call.muted && <p className="muted-note">{t('call.muted')}</p>}
        {/* The page behind the dialog is inert, so a headset unplugged mid-call is reported here. */}
        {notice?.kind === 'deviceLost' && (
          <p className="banner banner-info" role="status">
            {t('notice.deviceLost', { label: notice.label })}
          </p>
        )}

        {live && (
          <div className="meters">
            <Meter channel="input" label={t('call.micLevel')} />
            <Meter channel="output" label={t('call.speakerLevel')} />
          </div>
        )}

        {keypadOpen && (
          <div className="dtmf">
            <p className="dtmf-sent" aria-live="polite">
              {sent ? t('call.tonesSent', { digits: sent }) : '\u00a0'}
            </p>
            <Keypad onKey={sendDigit} label={t('call.keypad')} />
          </div>
        )}

        {!call.parked && <CallControls key={call.id} call={call} live={status === 'inCall'} />}

        <div className="call-controls">
          <button type="button" className={`btn btn-round ${call.muted ? 'btn-on' : ''}`} onClick={() => phone.toggleMute()} disabled={!live}>
            {call.muted ? t('call.unmute') : t('call.mute')}
          </button>
          <button
            type="button"
            className={`btn btn-round ${keypadOpen ? 'btn-on' : ''}`}
            onClick={() => setKeypadOpen((o) => !o)}
            aria-expanded={keypadOpen}
            data-testid="keypad-toggle"
            disabled={!live}
          >
            {keypadOpen ? t('call.hideKeypad') : t('call.keypad')}
          </button>
          <button type="button" className="btn btn-round btn-hangup" onClick={() => phone.hangUp()}>
            {t('call.hangUp')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
