/**
 * Every check in order, from the settings and the facts gathered for them (pure): what `npm run doctor`
 * prints, and (without the checks of this machine's own set-up) what the server logs at start. A check
 * whose facts could not be read because the credentials failed is skipped, never passed.
 */
import type { AccountFacts } from './account-facts';
import {
  checkApiKey, checkApplication, checkClock, checkConfig, checkCountries, checkCredentials, checkEmergency,
  checkNumberSms, checkNumberVoice, checkPublicUrl, checkRingGroup, checkWebhookAlerts, skip,
  type CheckId, type HealthFacts, type Verdict,
} from './checks';
import { desiredAccount } from './desired';

export interface CheckSettings {
  /** The one-line configuration error, if parseConfig refused the environment. */
  configError?: string;
  mode?: 'twilio' | 'local';
  accountSid?: string;
  apiKeySid?: string;
  twimlAppSid?: string;
  teamNumber?: string;
  publicBaseUrl?: string;
  users: readonly string[];
  ringGroup: readonly string[];
  allowedCountries: readonly string[];
  emergencyCalling: boolean;
  emergencyNumbers: readonly string[];
  /** Default: SMS_WEBHOOK_ENABLED. */
  smsEnabled?: boolean;
}

/** Checks that read the account; skipped when the account's credentials do not work. */
const NEEDS_ACCOUNT: CheckId[] = ['api-key', 'twiml-app', 'number-voice', 'number-sms', 'webhook-alerts', 'clock', 'countries', 'emergency'];

export function accountVerdicts(s: CheckSettings, facts: AccountFacts | undefined): Verdict[] {
  const credentials = checkCredentials(facts?.account, s.accountSid);
  const desired = s.publicBaseUrl === undefined ? undefined : desiredAccount(s.publicBaseUrl, s.smsEnabled);
  if (credentials.status !== 'pass' || facts === undefined) {
    return [credentials, ...NEEDS_ACCOUNT.map((id) => skip(id, 'not checked: needs working account credentials'))];
  }
  const noUrl = (id: CheckId) => skip(id, 'not checked: PUBLIC_BASE_URL is not set');
  return [
    credentials,
    checkApiKey(facts.apiKey, s.apiKeySid, s.accountSid!),
    desired ? checkApplication(facts.application, s.twimlAppSid, desired) : noUrl('twiml-app'),
    desired ? checkNumberVoice(facts, s.teamNumber, s.twimlAppSid, desired) : noUrl('number-voice'),
    desired ? checkNumberSms(facts, s.teamNumber, desired) : noUrl('number-sms'),
    checkWebhookAlerts(facts.alerts, s.publicBaseUrl),
    checkClock(facts.clock),
    checkCountries(facts.countries, s.allowedCountries),
    checkEmergency(facts.number, s.emergencyCalling, s.teamNumber, s.emergencyNumbers),
  ];
}

/** Everything `npm run doctor` prints, in order. */
export function doctorVerdicts(s: CheckSettings, facts: AccountFacts | undefined, health: HealthFacts | undefined): Verdict[] {
  const [credentials, ...account] = accountVerdicts(s, facts);
  return [
    checkConfig(s.configError, s.mode),
    credentials!,
    ...account.slice(0, 4),
    checkPublicUrl(health, s.publicBaseUrl),
    ...account.slice(4),
    checkRingGroup(s.users, s.ringGroup, s.teamNumber),
  ];
}
