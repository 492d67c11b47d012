/**
 * The checks `npm run doctor` and the server's start-up run, as pure functions: facts about the account
 * (account-facts.ts) and the settings in, a verdict out — pass, fail or skip, one sentence saying what was
 * found, and for a failure one sentence saying how to fix it. Nothing here reads the network or prints, and
 * no secret is ever part of a sentence (only SIDs, numbers and URLs, which are not secret).
 */
import type { AccountFacts, AlertFacts, AppFacts, Fetched, NumberFacts } from './account-facts';
import type { DesiredAccount } from './desired';
import { describeFailure, type RestFailure } from './rest-client';

export type CheckId =
  | 'config' | 'credentials' | 'api-key' | 'twiml-app' | 'number-voice' | 'number-sms' | 'public-url'
  | 'webhook-alerts' | 'clock' | 'ring-group' | 'countries' | 'emergency';

export interface Verdict {
  id: CheckId;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** What was found, one sentence. */
  detail: string;
  /** How to fix it; every failure has one. */
  fix?: string;
}

export const TITLES: Record<CheckId, string> = {
  config: 'Configuration',
  credentials: 'Account credentials',
  'api-key': 'API key',
  'twiml-app': 'TwiML App',
  'number-voice': 'Number (voice)',
  'number-sms': 'Number (messages)',
  'public-url': 'Public URL',
  'webhook-alerts': 'Webhook errors',
  clock: 'Clock',
  'ring-group': 'Ring group',
  countries: 'Dialing permissions',
  emergency: 'Emergency calling',
};

const SETUP = 'run `npm run setup`';

export const pass = (id: CheckId, detail: string): Verdict => ({ id, title: TITLES[id], status: 'pass', detail });
export const fail = (id: CheckId, detail: string, fix: string): Verdict => ({ id, title: TITLES[id], status: 'fail', detail, fix });
export const skip = (id: CheckId, detail: string): Verdict => ({ id, title: TITLES[id], status: 'skip', detail });

/** A check that could not run because Twilio did not answer the request it needs. */
function unreadable(id: CheckId, what: string, failure: RestFailure): Verdict {
  return fail(id, `could not read ${what}: ${describeFailure(failure)}`, 'run `npm run doctor` again; if it persists, check status.twilio.com and this machine\'s connection to api.twilio.com');
}

const list = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

export function checkConfig(error: string | undefined, mode: 'twilio' | 'local' | undefined): Verdict {
  if (error !== undefined) return fail('config', error, `correct it in .env (every variable is explained in .env.example), or ${SETUP}`);
  if (mode === 'local') return fail('config', 'no Twilio account is configured (local mode: none of the TWILIO_* variables is set)', `${SETUP} to configure one`);
  return pass('config', 'twilio mode, every required variable is set and well-formed');
}

export function checkCredentials(account: AccountFacts['account'] | undefined, accountSid: string | undefined): Verdict {
  if (account === undefined || accountSid === undefined) {
    return fail('credentials', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not both set', `${SETUP}, or copy them from the Twilio Console dashboard into .env`);
  }
  if (!account.ok) {
    const { status } = account.failure;
    if (status === 401 || status === 404) {
      return fail('credentials', `Twilio refused the Account SID ${accountSid} with this Auth Token (${describeFailure(account.failure)})`,
        'copy the Account SID and the current Auth Token from the Twilio Console dashboard into .env (the token changes when it is rotated)');
    }
    if (status === undefined) {
      return fail('credentials', describeFailure(account.failure), 'check this machine\'s connection to api.twilio.com (port 443): network, proxy, firewall');
    }
    return unreadable('credentials', 'the account', account.failure);
  }
  const { sid, friendlyName, status } = account.value;
  if (status !== 'active') {
    return fail('credentials', `account ${sid} ("${friendlyName}") is ${status}: it places and takes no calls`, 'reactivate the account in the Twilio Console (Account → General settings or Billing)');
  }
  return pass('credentials', `account ${sid} ("${friendlyName}") is active`);
}

export function checkApiKey(key: AccountFacts['apiKey'], keySid: string | undefined, accountSid: string): Verdict {
  const fix = `${SETUP} to create a new key, or create a Standard API key in Console → Account → API keys & tokens and put its SID and secret in TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET`;
  if (key === undefined || keySid === undefined) return fail('api-key', 'TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET are not both set', fix);
  if (!key.exists.ok) return unreadable('api-key', `API key ${keySid}`, key.exists.failure);
  if (!key.exists.value) return fail('api-key', `API key ${keySid} does not exist on account ${accountSid} (deleted, or made in another account): every access token it signs is refused`, fix);
  if (!key.secretWorks.ok) return unreadable('api-key', `whether the secret of ${keySid} works`, key.secretWorks.failure);
  if (!key.secretWorks.value) return fail('api-key', `TWILIO_API_KEY_SECRET is not the secret of API key ${keySid}: every access token it signs is refused`, fix);
  return pass('api-key', `${keySid} belongs to account ${accountSid} and its secret works`);
}

export function checkApplication(app: Fetched<AppFacts | null> | undefined, appSid: string | undefined, desired: DesiredAccount): Verdict {
  const wanted = `${desired.voiceUrl} (POST)`;
  const byHand = `the Voice Request URL ${wanted} and the Status Callback URL ${desired.statusCallback} (POST)`;
  if (app === undefined || appSid === undefined) {
    return fail('twiml-app', 'TWIML_APP_SID is not set', `${SETUP} (it creates the TwiML App), or create one in Console → Voice → TwiML Apps with ${byHand}`);
  }
  if (!app.ok) return unreadable('twiml-app', `TwiML App ${appSid}`, app.failure);
  if (app.value === null) {
    return fail('twiml-app', `TwiML App ${appSid} does not exist on this account: browsers' calls go nowhere`,
      `${SETUP} (it creates one), or create one in Console → Voice → TwiML Apps with ${byHand} and put its SID in TWIML_APP_SID`);
  }
  const { voiceUrl, voiceMethod, statusCallback, statusCallbackMethod, friendlyName } = app.value;
  const found: string[] = [];
  const settings: string[] = [];
  if (voiceUrl !== desired.voiceUrl || voiceMethod !== desired.voiceMethod) {
    found.push(`the Voice URL of ${appSid} is ${voiceUrl ?? '(empty)'} (${voiceMethod}), not ${wanted}: browsers' calls never reach this server`);
    settings.push(`the Voice Request URL to ${desired.voiceUrl}, method POST`);
  }
  if (statusCallback !== desired.statusCallback || statusCallbackMethod !== desired.statusCallbackMethod) {
    found.push(`the Status Callback URL of ${appSid} is ${statusCallback === null ? 'empty' : `${statusCallback} (${statusCallbackMethod})`}, not ${desired.statusCallback} (POST): missed calls never reach the history`);
    settings.push(`the Status Callback URL to ${desired.statusCallback}, method POST`);
  }
  if (found.length > 0) {
    return fail('twiml-app', found.join('; '), `${SETUP}, or in Console → Voice → TwiML Apps → "${friendlyName || appSid}" set ${settings.join(', and ')}`);
  }
  return pass('twiml-app', `${appSid} sends browsers' calls to ${wanted} and the end of every call to ${desired.statusCallback} (POST)`);
}

function numberMissing(id: CheckId, teamNumber: string, accountNumbers: AccountFacts['accountNumbers']): Verdict {
  const others = accountNumbers?.ok ? accountNumbers.value : [];
  const known = others.length === 0 ? 'the account has no numbers' : `its numbers: ${list(others.slice(0, 10))}`;
  return fail(id, `${teamNumber} is not a number of this account (${known})`,
    `set TWILIO_NUMBER to one of the account's numbers (or buy one in Console → Phone Numbers), then ${SETUP}`);
}

export function checkNumberVoice(
  facts: Pick<AccountFacts, 'number' | 'accountNumbers'>,
  teamNumber: string | undefined,
  appSid: string | undefined,
  desired: DesiredAccount,
): Verdict {
  if (teamNumber === undefined || facts.number === undefined) return fail('number-voice', 'TWILIO_NUMBER is not set', `${SETUP} (it offers the account's numbers)`);
  if (!facts.number.ok) return unreadable('number-voice', teamNumber, facts.number.failure);
  const n = facts.number.value;
  if (n === null) return numberMissing('number-voice', teamNumber, facts.accountNumbers);
  if (appSid !== undefined && n.voiceApplicationSid === appSid) return pass('number-voice', `${teamNumber} sends its calls to TwiML App ${appSid}`);
  if (n.voiceApplicationSid === null && n.voiceUrl === desired.voiceUrl && n.voiceMethod === 'POST') {
    return pass('number-voice', `${teamNumber} sends its calls to ${desired.voiceUrl} (POST)`);
  }
  const now = n.voiceApplicationSid ? `TwiML App ${n.voiceApplicationSid}` : n.voiceUrl ? `${n.voiceUrl} (${n.voiceMethod})` : 'nowhere (no voice configuration)';
  const target = appSid ? `TwiML App ${appSid}` : desired.voiceUrl;
  return fail('number-voice', `${teamNumber} sends its calls to ${now}, not ${target}: calls to the team number never reach this server`,
    `${SETUP}, or in Console → Phone Numbers → ${teamNumber} → Voice configuration choose "TwiML App" and pick ${appSid ?? 'the softphone\'s TwiML App'}`);
}

export function checkNumberSms(facts: Pick<AccountFacts, 'number'>, teamNumber: string | undefined, desired: DesiredAccount): Verdict {
  if (desired.smsUrl === undefined) return skip('number-sms', 'not checked: this server does not take messages yet (SMS_WEBHOOK_ENABLED is off until /handle_sms exists)');
  if (teamNumber === undefined || facts.number === undefined || !facts.number.ok || facts.number.value === null) {
    return skip('number-sms', 'not checked: the team number could not be read (see Number (voice))');
  }
  const n = facts.number.value;
  if (n.smsUrl === desired.smsUrl && n.smsMethod === desired.smsMethod) return pass('number-sms', `${teamNumber} sends its messages to ${desired.smsUrl} (POST)`);
  return fail('number-sms', `${teamNumber} sends its messages to ${n.smsUrl ?? 'nowhere'} (${n.smsMethod}), not ${desired.smsUrl} (POST)`,
    `${SETUP}, or in Console → Phone Numbers → ${teamNumber} → Messaging configuration set "A message comes in" to Webhook ${desired.smsUrl}, HTTP POST`);
}

/** What fetching PUBLIC_BASE_URL/healthz from here gave. */
export type HealthFacts = { ok: true; status: number; softphone: boolean } | { ok: false; error: string };

export function checkPublicUrl(health: HealthFacts | undefined, publicBaseUrl: string | undefined): Verdict {
  if (publicBaseUrl === undefined) return fail('public-url', 'PUBLIC_BASE_URL is not set', `${SETUP}, or set it to the https address Twilio and browsers reach this server at`);
  const url = new URL(publicBaseUrl);
  if (url.protocol !== 'https:') {
    return fail('public-url', `${publicBaseUrl} is not https: browsers allow the microphone only on https pages, and webhooks would travel unencrypted`,
      'serve the app over HTTPS (a tunnel such as cloudflared or ngrok, or a TLS-terminating proxy) and set PUBLIC_BASE_URL to that https address');
  }
  const healthz = `${publicBaseUrl}/healthz`;
  if (health === undefined || !health.ok) {
    return fail('public-url', `${healthz} did not answer from here${health && !health.ok ? `: ${health.error}` : ''}`,
      `start the server (\`npm start\`) and make sure ${url.host} reaches it: tunnel or proxy running, DNS, firewall, a valid certificate`);
  }
  if (health.status !== 200 || !health.softphone) {
    return fail('public-url', `${healthz} answered ${health.status}, not this softphone's health answer`, `point the tunnel or proxy for ${url.host} at this server's PORT`);
  }
  return pass('public-url', `${healthz} answers over HTTPS`);
}

/** Debugger errors that mean Twilio could not get a good answer from a webhook. */
export const WEBHOOK_ERROR_CODES = ['11100', '11200', '11205', '11206', '11210', '11215', '11220', '11235', '11236', '11237', '11750', '12100', '12200', '12300', '15003'];

function alertFix(code: string, host: string): string {
  if (code === '11200') return 'the server answered Twilio with an error: read its log for that time (403 means PUBLIC_BASE_URL is not the exact address Twilio calls, or TWILIO_AUTH_TOKEN is not this account\'s)';
  if (code === '15003') return 'a status callback got an error answer: read the server log for that time';
  if (code.startsWith('12')) return `the answer was not TwiML: make sure ${host} reaches this softphone and not another site`;
  return `Twilio could not connect to ${host}: keep the server and its tunnel or proxy running, with a valid certificate`;
}

export function checkWebhookAlerts(alerts: Fetched<AlertFacts[]> | undefined, publicBaseUrl: string | undefined, hours = 24): Verdict {
  if (publicBaseUrl === undefined) return skip('webhook-alerts', 'not checked: PUBLIC_BASE_URL is not set');
  if (alerts === undefined) return skip('webhook-alerts', 'not checked: needs working account credentials');
  if (!alerts.ok) return skip('webhook-alerts', `not available for this account: ${describeFailure(alerts.failure)}`);
  const ours = alerts.value
    .filter((a) => WEBHOOK_ERROR_CODES.includes(a.errorCode) && a.requestUrl !== null && (a.requestUrl === publicBaseUrl || a.requestUrl.startsWith(`${publicBaseUrl}/`)))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  if (ours.length === 0) return pass('webhook-alerts', `no webhook errors for ${publicBaseUrl} in the last ${hours} hours`);
  const latest = ours[0]!;
  const path = latest.requestUrl!.slice(publicBaseUrl.length) || '/';
  return fail('webhook-alerts', `${ours.length} webhook error${ours.length === 1 ? '' : 's'} for ${publicBaseUrl} in the last ${hours} hours; the latest, ${latest.at.toISOString()}: ${latest.errorCode} on ${path}: ${latest.text}`,
    `${alertFix(latest.errorCode, new URL(publicBaseUrl).host)}; this check passes once ${hours} hours go by without one`);
}

/** Access tokens carry issue and expiry times; Twilio refuses them when the clocks disagree by much. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export function checkClock(clock: AccountFacts['clock']): Verdict {
  if (clock === undefined) return skip('clock', 'not checked: needs an answer from Twilio');
  const twilioMs = clock.twilioDate === undefined ? NaN : Date.parse(clock.twilioDate);
  if (Number.isNaN(twilioMs)) return skip('clock', 'not checked: Twilio\'s answer carried no Date header');
  const offset = Math.round((clock.localMs - twilioMs) / 1000);
  if (Math.abs(offset) <= CLOCK_TOLERANCE_SECONDS) return pass('clock', `this machine's clock is within ${Math.max(1, Math.abs(offset))} s of Twilio's`);
  return fail('clock', `this machine's clock is ${Math.abs(offset)} s ${offset > 0 ? 'ahead of' : 'behind'} Twilio's: access tokens are refused or expire early`,
    'set the clock right and keep it synchronised (e.g. `timedatectl set-ntp true`, or the system\'s date and time settings)');
}

export function checkRingGroup(users: readonly string[], ringGroup: readonly string[], teamNumber: string | undefined): Verdict {
  if (users.length === 0) {
    return fail('ring-group', 'SOFTPHONE_USERS lists nobody: no one can sign in', `${SETUP} to add users, or add name:hash pairs (hashes from \`npm run hash-password\`) to SOFTPHONE_USERS`);
  }
  const missing = ringGroup.filter((name) => !users.includes(name));
  if (missing.length > 0) {
    return fail('ring-group', `RING_GROUP names ${list(missing)}, ${missing.length === 1 ? 'who is' : 'who are'} not in SOFTPHONE_USERS`,
      `add ${missing.length === 1 ? 'that user' : 'those users'} (${SETUP}, it asks for users) or take ${missing.length === 1 ? 'the name' : 'the names'} out of RING_GROUP`);
  }
  const group = ringGroup.length > 0 ? ringGroup : users;
  return pass('ring-group', `${list(group)} ring${group.length === 1 ? 's' : ''} for calls to ${teamNumber ?? 'the team number'}`);
}

export function checkCountries(countries: Fetched<Record<string, boolean>> | undefined, allowed: readonly string[]): Verdict {
  if (countries === undefined) return skip('countries', 'not checked: needs working account credentials');
  if (!countries.ok) return skip('countries', `the account's voice geographic permissions are not available through the API: ${describeFailure(countries.failure)}`);
  const off = allowed.filter((iso) => !countries.value[iso]);
  if (off.length > 0) {
    return fail('countries', `calls to ${list(off)} (DIAL_ALLOWED_COUNTRIES) are not enabled in the account's voice geographic permissions, so Twilio refuses them`,
      `${SETUP} (it enables them), or tick them in Console → Voice → Settings → Geo permissions, or take them out of DIAL_ALLOWED_COUNTRIES`);
  }
  return pass('countries', `calls to ${list([...allowed])} are enabled`);
}

export function checkEmergency(number: Fetched<NumberFacts | null> | undefined, emergencyCalling: boolean, teamNumber: string | undefined, emergencyNumbers: readonly string[]): Verdict {
  const n = number?.ok ? number.value : null;
  const registered = n !== null && n.emergencyAddressSid !== null && n.emergencyAddressStatus === 'registered';
  if (!emergencyCalling) {
    const hint = registered ? ` (${teamNumber} has a registered emergency address: EMERGENCY_CALLING=on would dial them)` : '';
    return pass('emergency', `off: the dial pad tells people to call ${list([...emergencyNumbers])} from another phone${hint}`);
  }
  if (n === null) return skip('emergency', 'not checked: the team number could not be read (see Number (voice))');
  if (registered) return pass('emergency', `on: emergency calls from ${teamNumber} carry the registered address ${n.emergencyAddressSid}`);
  return fail('emergency', `EMERGENCY_CALLING=on but ${teamNumber} has no registered emergency address (${n.emergencyAddressSid === null ? 'none' : n.emergencyAddressStatus}): emergency numbers are not dialed`,
    `register an emergency address for ${teamNumber} (Console → Phone Numbers → ${teamNumber} → Emergency Calling), or set EMERGENCY_CALLING=off`);
}
