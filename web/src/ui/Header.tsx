import type { PhoneSnapshot } from '../core/controller';
import { isInCallState } from '../core/state';
import type { PhoneState } from '../core/state';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { AvailabilitySwitch } from './AvailabilitySwitch';
import { Brand } from './Brand';
import { InstallAppButton } from './InstallAppButton';
import { LanguageSelect } from './LanguageSelect';
import { usePhone } from './phone-context';
import { peerText, usePeer } from './use-phone-lib';

const selectIdentity = (s: PhoneSnapshot) => s.user?.identity ?? '';
const selectConfig = (s: PhoneSnapshot) => s.config;
const selectRegistration = (s: PhoneSnapshot) =>
  s.phone.status === 'error' ? 'error' : s.phone.registration;
const selectStatusKey = (s: PhoneSnapshot) => phoneStatusKey(s.phone);

/**
 * The words next to "Phone status". The pill's colour and data-state follow the registration alone
 * (a phone in a call is still reachable), but "Ready for calls" would read wrong during a call.
 */
export function phoneStatusKey(phone: Pick<PhoneState, 'status' | 'registration'>): MessageKey {
  if (phone.status === 'error') return 'registration.error';
  if (phone.registration === 'registered' && isInCallState(phone.status)) {
    return phone.status === 'incoming' ? 'registration.incoming' : 'registration.onCall';
  }
  return `registration.${phone.registration}`;
}

export function Header({ onSettings, onLog, logOpen }: { onSettings: () => void; onLog: () => void; logOpen: boolean }) {
  const [identity, phone] = usePhone(selectIdentity);
  const [config] = usePhone(selectConfig);
  const [registration] = usePhone(selectRegistration);
  const [statusKey] = usePhone(selectStatusKey);
  // Shown unformatted until the phone is up, so the header does not put the formatting chunk in the first load.
  const team = usePeer(config?.teamNumber ?? '', config, registration === 'registered' || registration === 'error');

  return (
    <header className="app-header">
      <Brand />
      <dl className="header-facts">
        <div>
          <dt className="visually-hidden">{t('header.userLabel')}</dt>
          <dd className="user" title={t('header.user', { name: identity })}>
            <span className="avatar" aria-hidden="true">
              {identity.slice(0, 1).toUpperCase()}
            </span>
            <span data-testid="identity">{identity}</span>
          </dd>
        </div>
        <div>
          <dt>{t('header.team')}</dt>
          <dd data-testid="team-number">{config ? peerText(team) : ''}</dd>
        </div>
        <div>
          <dt>{t('registration.label')}</dt>
          <dd>
            <span className={`pill pill-${registration}`} role="status" data-testid="registration" data-state={registration}>
              <span className="pill-dot" aria-hidden="true" />
              {t(statusKey)}
            </span>
          </dd>
        </div>
      </dl>
      <AvailabilitySwitch />
      <nav className="header-actions">
        <LanguageSelect compact />
        <InstallAppButton />
        <button type="button" className="btn btn-ghost" onClick={onSettings}>
          {t('header.settings')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onLog} aria-expanded={logOpen} aria-controls="device-log">
          {t('header.log')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => void phone.signOut()}>
          {t('header.signOut')}
        </button>
      </nav>
    </header>
  );
}
