import { lazy, Suspense, useEffect, useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { t, useLocale } from '../i18n';
import { AppUpdateBanner } from './AppUpdateBanner';
import { CallInProgress } from './CallInProgress';
import { DialPad } from './DialPad';
import { Header } from './Header';
import { Home } from './Home';
import { IncomingCall } from './IncomingCall';
import { DIAL_KEYS } from './Keypad';
import { NoticeBanner } from './NoticeBanner';
import { ProblemBanner } from './ProblemBanner';
import { SignIn } from './SignIn';
import { usePhone } from './phone-context';
import { WaitingElsewhere } from './WaitingElsewhere';

// Not needed at first paint: fetched the first time they are opened.
const AudioSettings = lazy(() => import('./AudioSettings'));
const DeviceLog = lazy(() => import('./DeviceLog'));

const selectStatus = (s: PhoneSnapshot) => s.phone.status;
const selectBooting = (s: PhoneSnapshot) => s.booting;
const selectStartError = (s: PhoneSnapshot) => s.startError;

export function App() {
  useLocale();
  const [status] = usePhone(selectStatus);
  const [booting] = usePhone(selectBooting);
  const [startError] = usePhone(selectStartError);
  const [dialPad, setDialPad] = useState<{ initial: string } | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [logOpen, setLogOpen] = useState(false);
  const signedOut = status === 'signedOut';

  // Typing a digit (or N) anywhere on the home screen opens the dial pad with it.
  useEffect(() => {
    if (signedOut || dialPad || settingsOpen || status !== 'ready') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))) return;
      if (DIAL_KEYS.has(event.key) || event.key === '+') {
        event.preventDefault();
        setDialPad({ initial: event.key });
      } else if (event.key === 'n' || event.key === 'N') {
        event.preventDefault();
        setDialPad({ initial: '' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [signedOut, dialPad, settingsOpen, status]);

  // Started offline (the shell came from the service worker): start for real once the network is back.
  useEffect(() => {
    if (!startError) return;
    const onOnline = () => location.reload();
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [startError]);

  // A call arriving or starting closes the dial pad.
  useEffect(() => {
    if (status !== 'ready') setDialPad(null);
  }, [status]);

  if (booting) {
    return (
      <main className="splash" aria-busy="true">
        <p>{t('app.loading')}</p>
      </main>
    );
  }
  if (signedOut) {
    return (
      <>
        {startError && (
          <div className="banner banner-error" role="alert">
            <span>{navigator.onLine === false ? t('app.offline') : t('app.startError', { detail: startError })}</span>
            <button type="button" className="btn" onClick={() => location.reload()}>
              {t('app.reload')}
            </button>
          </div>
        )}
        <SignIn />
      </>
    );
  }

  const inCall = ['dialing', 'ringing', 'inCall', 'reconnecting'].includes(status);
  return (
    <>
      <Header onSettings={() => setSettingsOpen(true)} onLog={() => setLogOpen((o) => !o)} logOpen={logOpen} />
      <main className="app-main">
        <ProblemBanner />
        <NoticeBanner />
        <WaitingElsewhere />
        <AppUpdateBanner />
        <Home onNewCall={() => setDialPad({ initial: '' })} />
        {logOpen && (
          <Suspense fallback={<p className="hint">{t('app.loading')}</p>}>
            <DeviceLog onClose={() => setLogOpen(false)} />
          </Suspense>
        )}
      </main>
      {dialPad && status === 'ready' && <DialPad initial={dialPad.initial} onClose={() => setDialPad(null)} />}
      {status === 'incoming' && <IncomingCall />}
      {inCall && <CallInProgress />}
      {settingsOpen && (
        <Suspense fallback={null}>
          <AudioSettings onClose={() => setSettingsOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
