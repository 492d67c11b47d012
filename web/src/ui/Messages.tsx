/**
 * Text messages on the home screen: the team's conversations (one per outside number) with this user's
 * unread counts, one conversation as bubbles with time, sender and delivery state in words, and a
 * composer that counts characters and SMS parts. Bodies are rendered as text, never as markup.
 */
import { useState, type FormEvent } from 'react';
import type { MessageRecord } from '../../../contracts/api';
import type { PhoneSnapshot } from '../core/controller';
import { describePeer } from '../core/dial-target';
import { countSegments } from '../core/sms-segments';
import { t, useLocale, type MessageKey } from '../i18n';
import { MessageMedia } from './MessageMedia';
import { CountBadge } from './MissedBadge';
import { usePhone } from './phone-context';
import { useUnseen } from './use-live';
import { useMessagesView } from './use-messages';
import { defaultCountryOf, peerText, usePhoneLib } from './use-phone-lib';

const selectRegistered = (s: PhoneSnapshot) => s.phone.registration === 'registered';

const selectConfig = (s: PhoneSnapshot) => s.config;
const selectCanCall = (s: PhoneSnapshot) => s.phone.status === 'ready';

/** A text this many parts long or more gets a warning before it is sent. */
const SPLIT_WARNING_PARTS = 3;
const KNOWN_ERRORS = new Set([30003, 30005, 30006, 30007, 30008, 30034, 21610]);

/** The delivery state in words, with the reason for a failure. */
export function statusWords(message: Pick<MessageRecord, 'status' | 'errorCode'>): string {
  const status = t(`messages.status.${message.status}` as MessageKey);
  if (message.errorCode === null) return status;
  const reason = KNOWN_ERRORS.has(message.errorCode)
    ? t(`messages.error.${message.errorCode}` as MessageKey)
    : t('messages.error.other', { code: message.errorCode });
  return `${status}: ${reason}`;
}

/** Texts this user has not read, on every device; the tab title and app badge count them too. */
function UnreadBadge() {
  const count = useUnseen()?.messages ?? 0;
  return <CountBadge count={count} label={t('messages.badge', { count })} testId="messages-badge" />;
}

export function Messages() {
  useLocale();
  const [config, phone] = usePhone(selectConfig);
  const [registered] = usePhone(selectRegistered);
  // As in Recents: the number formatting chunk is fetched once the phone is up, never in the first load.
  const lib = usePhoneLib(registered);
  const view = useMessagesView();
  const { messages } = phone.live;
  const country = defaultCountryOf(config);
  const name = (peer: string) => peerText(describePeer(peer, country, lib));

  return (
    <section className="card messages" aria-labelledby="messages-heading">
      <div className="recents-head">
        <h2 id="messages-heading">{t('messages.title')}</h2>
        <UnreadBadge />
      </div>
      {view.open ? <Thread name={name(view.open.peer)} /> : <ConversationList name={name} />}
      {view.status === 'error' && (
        <div className="banner banner-error" role="alert">
          <span>{t('messages.loadError', { detail: view.error ?? '' })}</span>
          <button type="button" className="btn" onClick={() => void messages.load()}>
            {t('messages.retry')}
          </button>
        </div>
      )}
    </section>
  );
}

function ConversationList({ name }: { name: (peer: string) => string }) {
  const [, phone] = usePhone(selectConfig);
  const view = useMessagesView();
  const { messages } = phone.live;
  const [to, setTo] = useState('');

  const start = (event: FormEvent) => {
    event.preventDefault();
    if (to.trim() !== '') void messages.startWith(to.trim());
  };

  return (
    <>
      <form className="messages-new" onSubmit={start}>
        <label htmlFor="messages-to">{t('messages.newTo')}</label>
        <input id="messages-to" type="tel" inputMode="tel" autoComplete="off" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" className="btn" disabled={to.trim() === ''}>
          {t('messages.start')}
        </button>
      </form>
      {view.conversations.length === 0 ? (
        <p className="hint">{view.status === 'ready' ? t('messages.empty') : t('messages.loading')}</p>
      ) : (
        <ul className="conversations" aria-labelledby="messages-heading">
          {view.conversations.map((c) => (
            <li key={c.id} data-testid="conversation" data-peer={c.peer}>
              <button type="button" className="conversation" onClick={() => void messages.open(c.id)} aria-label={t('messages.thread', { name: name(c.peer) })}>
                <span className="conversation-peer">{name(c.peer)}</span>
                <span className="conversation-last">{c.lastMessage}</span>
                {c.unread > 0 && (
                  <span className="badge" title={t('messages.unread', { count: c.unread })}>
                    {c.unread}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Thread({ name }: { name: string }) {
  const locale = useLocale();
  const [canCall, phone] = usePhone(selectCanCall);
  const view = useMessagesView();
  const { messages } = phone.live;
  const open = view.open!;
  const conversation = view.conversations.find((c) => c.id === open.id);
  const optedOut = conversation?.optedOut ?? false;

  return (
    <div className="thread">
      <div className="thread-head">
        <button type="button" className="btn btn-ghost" onClick={() => void messages.open(null)}>
          ← {t('messages.back')}
        </button>
        <h3 id="thread-heading">{t('messages.thread', { name })}</h3>
        <button type="button" className="btn btn-call-small" disabled={!canCall} onClick={() => void phone.dial(open.peer)} aria-label={t('messages.call', { name })}>
          <span aria-hidden="true">✆</span>
        </button>
      </div>
      {view.threadStatus === 'loading' && <p className="hint">{t('messages.loading')}</p>}
      {/* Focusable: it scrolls, and keyboard users must be able to scroll it too. */}
      <ol className="bubbles" aria-labelledby="thread-heading" tabIndex={0}>
        {view.thread.map((m) => (
          <li key={m.id} className={`bubble bubble-${m.direction}`} data-testid="message" data-status={m.status}>
            <p className="bubble-body">{m.body}</p>
            {m.media.length > 0 ? (
              <MessageMedia message={m} name={name} />
            ) : (
              m.mediaCount > 0 && <p className="bubble-note">{t('messages.pictures', { count: m.mediaCount })}</p>
            )}
            <p className="bubble-meta">
              <time dateTime={m.at}>{new Date(m.at).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' })}</time>
              {m.sentBy && <span>{t('messages.sentBy', { name: m.sentBy })}</span>}
              {m.direction === 'outbound' && <span data-testid="message-status">{statusWords(m)}</span>}
              {(m.status === 'failed' || m.status === 'undelivered') && !optedOut && (
                <RetryButton peer={open.peer} body={m.body} id={m.id} />
              )}
            </p>
          </li>
        ))}
      </ol>
      {optedOut && <p className="hint" role="status">{t('messages.optedOut')}</p>}
      <Composer peer={open.peer} disabled={optedOut} />
    </div>
  );
}

function RetryButton({ peer, body, id }: { peer: string; body: string; id: string }) {
  const [, phone] = usePhone(selectCanCall);
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-ghost"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void phone.live.messages.send(peer, body, id).finally(() => setBusy(false));
      }}
    >
      {t('messages.retrySend')}
    </button>
  );
}

function Composer({ peer, disabled }: { peer: string; disabled: boolean }) {
  const [, phone] = usePhone(selectCanCall);
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = countSegments(body);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (body.trim() === '' || sending) return;
    setSending(true);
    setError(null);
    const failure = await phone.live.messages.send(peer, body);
    setSending(false);
    if (failure) setError(failure);
    else setBody('');
  };

  return (
    <form className="composer" onSubmit={(e) => void submit(e)}>
      <label htmlFor="composer-body" className="visually-hidden">
        {t('messages.compose')}
      </label>
      <textarea
        id="composer-body"
        rows={3}
        maxLength={1600}
        value={body}
        disabled={disabled}
        onChange={(e) => setBody(e.target.value)}
        aria-describedby="composer-count"
      />
      <p id="composer-count" className="hint">
        {t('messages.count', { chars: [...body].length, segments: count.segments, encoding: count.encoding })}
        {count.segments >= SPLIT_WARNING_PARTS && <span className="composer-warning"> {t('messages.splitWarning', { segments: count.segments })}</span>}
      </p>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-call" disabled={disabled || sending || body.trim() === ''}>
        {sending ? t('messages.sending') : t('messages.send')}
      </button>
    </form>
  );
}
