import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './core/api';
import { AppUpdates } from './core/app-update';
import { PhoneController } from './core/controller';
import { browserEnv } from './core/env';
import { fetchEventStream } from './core/sse-fetch';
import { headsetAccess } from './core/headset-loader';
import { browserHid } from './core/hid-port';
import { InstallPrompt } from './core/install-prompt';
import { browserBadge, UnseenIndicator } from './core/unseen';
import { loadPhoneLib, phoneLibIfLoaded } from './core/phone-lib';
import { beforeSdkContextCloses, createTwilioDevice, loadVoiceSdk, sdkAudioContext } from './core/twilio-device';
import { canMeasureOffMainThread, retireLevelNodes, workletLevelTaps } from './core/level-worklet-port';
import { canPaintOffMainThread } from './ui/meter-painter';
import { initLocale, t } from './i18n';
import { App } from './ui/App';
import { AppServicesProvider, type AppServices } from './ui/app-services';
import { setBaseTitle } from './ui/page-title';
import { PhoneProvider } from './ui/phone-context';
import { refusalWords } from './ui/refusal-words';
import { describePeer } from './core/dial-target';
import './styles.css';

// Start fetching the SDK now, in parallel with the session check, so registering does not wait for it.
void loadVoiceSdk().catch(() => undefined);

/** A caller as the notification names them: colleague, or the number as formatted so far. */
const peerName = (peer: string) => {
  const shown = describePeer(peer, controller.getSnapshot().config?.defaultCountry ?? 'US', phoneLibIfLoaded());
  return shown.kind === 'colleague' ? shown.name : shown.text;
};

const env = browserEnv();
// Meters measured on the audio thread and drawn by a worker, where the browser can do both.
const workletMeters = canMeasureOffMainThread() && canPaintOffMainThread();
// Their nodes let go of an SDK context before it is closed, or would keep it (level-worklet-port.ts).
if (workletMeters) beforeSdkContextCloses(retireLevelNodes);
const controller = new PhoneController({
  api: createApi(),
  createDevice: createTwilioDevice,
  audioContext: sdkAudioContext,
  levelTaps: workletMeters ? workletLevelTaps(sdkAudioContext, (why) => console.error('The level meters could not start:', why)) : undefined,
  env,
  events: fetchEventStream(),
  texts: {
    incomingTitle: () => t('incoming.notifyTitle'),
    incomingBody: (peer) => t('incoming.notifyBody', { name: peerName(peer) }),
    missedTitle: () => t('recents.missedNotifyTitle'),
    missedBody: (peer) => t('recents.missedNotifyBody', { name: peerName(peer) }),
    textTitle: (peer) => t('messages.notifyTitle', { name: peerName(peer) }),
    textBody: (body) => body.slice(0, 120),
    voicemailTitle: (peer) => t('voicemail.notifyTitle', { name: peerName(peer) }),
    voicemailBody: (seconds) => t('voicemail.notifyBody', { duration: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` }),
    refusal: refusalWords,
  },
});

const services: AppServices = {
  // Only a loader here: the headset code is fetched when a granted headset is plugged in or the settings open.
  headset: headsetAccess(browserHid(), controller, env.tabs, { holdOrSwap: () => void controller.control.holdOrResume() }),
  // The browser's install offer comes early and once: listen from the start.
  install: new InstallPrompt(window),
  updates: new AppUpdates(),
};

// Unseen counts (missed calls; voicemails and messages as they come) on the app icon and in the tab title.
const unseen = new UnseenIndicator({ setTitle: setBaseTitle, setBadge: browserBadge().setBadge }, () => t('app.name'));
const showUnseen = () => unseen.show(controller.live.unseen.get() ?? {});
controller.live.unseen.subscribe(showUnseen);
showUnseen();

// Time from navigation to the first registration, for the log (and anyone measuring start-up).
const stopWatching = controller.subscribe(() => {
  if (controller.getSnapshot().phone.registration !== 'registered') return;
  stopWatching();
  performance.mark('softphone-registered');
  controller.log.add(`Registered ${Math.round(performance.now())} ms after page load`);
  // Formatting metadata is not needed for the first paint; fetch it once the phone is up.
  void loadPhoneLib().catch(() => undefined);
  // So are a granted headset and the service worker (offline start-up, updates).
  void services.headset.restoreGranted();
  void import('./core/service-worker-client').then((m) => m.startServiceWorker(services.updates!, (text) => controller.log.add(text)));
});

void initLocale().finally(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <PhoneProvider controller={controller}>
        <AppServicesProvider services={services}>
          <App />
        </AppServicesProvider>
      </PhoneProvider>
    </StrictMode>,
  );
  void controller.start();
});
