import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './core/api';
import { PhoneController } from './core/controller';
import { browserEnv } from './core/env';
import { loadPhoneLib } from './core/phone-lib';
import { createTwilioDevice, loadVoiceSdk, sdkAudioContext } from './core/twilio-device';
import { initLocale, t } from './i18n';
import { App } from './ui/App';
import { PhoneProvider } from './ui/phone-context';
import { describePeer } from './core/dial-target';
import './styles.css';

// Start fetching the SDK now, in parallel with the session check, so registering does not wait for it.
void loadVoiceSdk().catch(() => undefined);

const controller = new PhoneController({
  api: createApi(),
  createDevice: createTwilioDevice,
  audioContext: sdkAudioContext,
  env: browserEnv(),
  texts: {
    incomingTitle: () => t('incoming.notifyTitle'),
    incomingBody: (peer) => {
      const shown = describePeer(peer, controller.getSnapshot().config?.defaultCountry ?? 'US', null);
      return t('incoming.notifyBody', { name: shown.kind === 'colleague' ? shown.name : shown.text });
    },
  },
});

// Time from navigation to the first registration, for the log (and anyone measuring start-up).
const stopWatching = controller.subscribe(() => {
  if (controller.getSnapshot().phone.registration !== 'registered') return;
  stopWatching();
  performance.mark('softphone-registered');
  controller.log.add(`Registered ${Math.round(performance.now())} ms after page load`);
  // Formatting metadata is not needed for the first paint; fetch it once the phone is up.
  void loadPhoneLib().catch(() => undefined);
});

void initLocale().finally(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <PhoneProvider controller={controller}>
        <App />
      </PhoneProvider>
    </StrictMode>,
  );
  void controller.start();
});
