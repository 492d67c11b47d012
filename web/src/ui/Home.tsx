import { lazy, Suspense } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t } from '../i18n';
import { ClickToCallPanel } from './ClickToCallPanel';
import { PresenceLabel } from './PresenceLabel';
import { Recents } from './Recents';
import { usePhone } from './phone-context';
import { usePresence } from './use-live';
import { useStarted } from './use-started';

// Not needed at first paint: their chunks are fetched once the phone has registered.
const Messages = lazy(() => import('./Messages').then((m) => ({ default: m.Messages })));
const Voicemails = lazy(() => import('./Voicemails').then((m) => ({ default: m.Voicemails })));

const selectColleagues = (s: PhoneSnapshot) => s.user?.colleagues;
const selectStatus = (s: PhoneSnapshot) => s.phone.status;
const selectNotifications = (s: PhoneSnapshot) => s.notifications;
const selectLeader = (s: PhoneSnapshot) => s.leader;

export function Home({ onNewCall }: { onNewCall: () => void }) {
  const [colleagues, phone] = usePhone(selectColleagues);
  const [status] = usePhone(selectStatus);
  const [notifications] = usePhone(selectNotifications);
  const [leader] = usePhone(selectLeader);
  const presence = usePresence();
  const started = useStarted();
  const canCall = status === 'ready';

  return (
    <div className="home">
      <ClickToCallPanel />
      <section className="card dial-card" aria-labelledby="new-call-heading">
        <h2 id="new-call-heading" className="visually-hidden">
          {t('home.newCall')}
        </h2>
        <button type="button" className="btn btn-call btn-big" onClick={onNewCall} disabled={!canCall}>
          <span aria-hidden="true">⌨</span> {t('home.newCall')}
        </button>
        <p className="hint">{t('home.newCallHint')}</p>
      </section>

      <Recents />

      {started && (
        <Suspense fallback={null}>
          <Messages />
          <Voicemails />
        </Suspense>
      )}

      <section className="card" aria-labelledby="colleagues-heading">
        <h2 id="colleagues-heading">{t('home.colleagues')}</h2>
        {colleagues && colleagues.length > 0 ? (
          <ul className="colleagues">
            {colleagues.map((name) => (
              <li key={name}>
                <span className="avatar" aria-hidden="true">
                  {name.slice(0, 1).toUpperCase()}
                </span>
                <span className="colleague-name">{name}</span>
                <PresenceLabel presence={presence[name]} />
                <button
                  type="button"
                  className="btn btn-call-small"
                  disabled={!canCall}
                  onClick={() => void phone.dial(`client:${name}`)}
                  aria-label={t('home.callColleague', { name })}
                >
                  <span aria-hidden="true">✆</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{t('home.noColleagues')}</p>
        )}
      </section>

      {notifications === 'default' && (
        <section className="card card-quiet">
          <p>{t('home.notifyPrompt')}</p>
          <button type="button" className="btn" onClick={() => void phone.enableNotifications()}>
            {t('home.notifyButton')}
          </button>
        </section>
      )}
      {notifications === 'denied' && <p className="hint">{t('home.notifyDenied')}</p>}
      {!leader && <p className="hint">{t('home.otherTabRings')}</p>}

      <details className="shortcuts">
        <summary>{t('home.shortcuts')}</summary>
        <ul>
          <li>{t('home.shortcut.dial')}</li>
          <li>{t('home.shortcut.accept')}</li>
          <li>{t('home.shortcut.mute')}</li>
          <li>{t('home.shortcut.escape')}</li>
        </ul>
      </details>
    </div>
  );
}
