import { describe, expect, it } from 'vitest';
import type { AccountFacts, AlertFacts, AppFacts, Fetched, NumberFacts } from './account-facts';
import {
  checkApiKey, checkApplication, checkClock, checkConfig, checkCountries, checkCredentials, checkEmergency,
  checkNumberSms, checkNumberVoice, checkPublicUrl, checkRingGroup, checkWebhookAlerts, type Verdict,
} from './checks';
import { desiredAccount } from './desired';
import { doctorVerdicts, type CheckSettings } from './verdicts';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const KEY = 'SK' + 'b'.repeat(32);
const APP = 'AP' + 'c'.repeat(32);
const OTHER_APP = 'AP' + 'd'.repeat(32);
const ADDRESS = 'AD' + 'e'.repeat(32);
const BASE = 'https://phone.example.com';
const NUMBER = '+12025550100';
const desired = desiredAccount(BASE, false);
const withSms = desiredAccount(BASE, true);

const ok = <T>(value: T): Fetched<T> => ({ ok: true, value });
const failed = (status?: number, code?: number, message = 'boom'): Fetched<never> => ({
  ok: false,
  failure: { ...(status !== undefined ? { status } : {}), ...(code !== undefined ? { code } : {}), message },
});

const app = (over: Partial<AppFacts> = {}): AppFacts => ({
  sid: APP, friendlyName: 'Softphone (phone.example.com)', voiceUrl: `${BASE}/handle_calls`, voiceMethod: 'POST', statusCallback: `${BASE}/handle_calls/status`, statusCallbackMethod: 'POST', ...over,
});
const number = (over: Partial<NumberFacts> = {}): NumberFacts => ({
  sid: 'PN' + '1'.repeat(32), phoneNumber: NUMBER, voiceApplicationSid: APP, voiceUrl: null, voiceMethod: 'POST',
  smsUrl: null, smsMethod: 'POST', emergencyAddressSid: null, emergencyAddressStatus: 'unregistered', ...over,
});
const alert = (over: Partial<AlertFacts> = {}): AlertFacts => ({ sid: 'NO1', errorCode: '11200', requestUrl: `${BASE}/handle_calls`, at: new Date('2030-01-01T10:00:00Z'), text: 'HTTP retrieval failure', ...over });

/** Status, and the words the sentence must contain. */
type Row = [string, () => Verdict, Verdict['status'], RegExp];

function table(rows: Row[]) {
  it.each(rows)('%s', (_name, run, status, words) => {
    const verdict = run();
    expect(verdict.status).toBe(status);
    expect(`${verdict.detail} ${verdict.fix ?? ''}`.trim()).toMatch(words);
    // Every failure says how to fix it.
    if (status === 'fail') expect(verdict.fix).toBeTruthy();
  });
}

describe('checkConfig', () => table([
  ['valid twilio mode', () => checkConfig(undefined, 'twilio'), 'pass', /twilio mode/],
  ['a ConfigError line', () => checkConfig('PUBLIC_BASE_URL: required in twilio mode', undefined), 'fail', /PUBLIC_BASE_URL: required.*\.env\.example/],
  ['local mode: nothing configured', () => checkConfig(undefined, 'local'), 'fail', /no Twilio account.*npm run setup/],
]));

describe('checkCredentials', () => table([
  ['active account', () => checkCredentials(ok({ sid: ACCOUNT, friendlyName: 'Team', status: 'active' }), ACCOUNT), 'pass', /\("Team"\) is active/],
  ['suspended account', () => checkCredentials(ok({ sid: ACCOUNT, friendlyName: 'Team', status: 'suspended' }), ACCOUNT), 'fail', /is suspended.*reactivate/],
  ['wrong auth token', () => checkCredentials(failed(401, 20003, 'Authenticate'), ACCOUNT), 'fail', /refused the Account SID.*20003.*Auth Token/],
  ['unknown account', () => checkCredentials(failed(404, 20404), ACCOUNT), 'fail', /refused/],
  ['network down', () => checkCredentials(failed(undefined, undefined, 'ECONNREFUSED: connect refused'), ACCOUNT), 'fail', /could not be reached.*ECONNREFUSED.*api\.twilio\.com/],
  ['Twilio error', () => checkCredentials(failed(503, 20500), ACCOUNT), 'fail', /could not read the account.*503/],
  ['not set', () => checkCredentials(undefined, undefined), 'fail', /not both set/],
]));

describe('checkApiKey', () => table([
  ['belongs and works', () => checkApiKey({ exists: ok(true), secretWorks: ok(true) }, KEY, ACCOUNT), 'pass', new RegExp(`${KEY} belongs to account ${ACCOUNT}`)],
  ['deleted', () => checkApiKey({ exists: ok(false), secretWorks: ok(false) }, KEY, ACCOUNT), 'fail', /does not exist on account.*deleted.*npm run setup/],
  ['wrong secret', () => checkApiKey({ exists: ok(true), secretWorks: ok(false) }, KEY, ACCOUNT), 'fail', /TWILIO_API_KEY_SECRET is not the secret/],
  ['unreadable', () => checkApiKey({ exists: failed(500), secretWorks: ok(true) }, KEY, ACCOUNT), 'fail', /could not read API key/],
  ['not set', () => checkApiKey(undefined, undefined, ACCOUNT), 'fail', /not both set/],
]));

describe('checkApplication', () => table([
  ['right URLs and methods', () => checkApplication(ok(app()), APP, desired), 'pass', /calls to https:\/\/phone\.example\.com\/handle_calls \(POST\) and the end of every call to https:\/\/phone\.example\.com\/handle_calls\/status \(POST\)$/],
  ['wrong Voice URL', () => checkApplication(ok(app({ voiceUrl: 'https://old.example.com/handle_calls' })), APP, desired), 'fail',
    /is https:\/\/old\.example\.com\/handle_calls \(POST\), not https:\/\/phone\.example\.com\/handle_calls \(POST\).*Voice Request URL to/],
  ['trailing slash is not exact', () => checkApplication(ok(app({ voiceUrl: `${BASE}/handle_calls/` })), APP, desired), 'fail', /not https/],
  ['GET instead of POST', () => checkApplication(ok(app({ voiceMethod: 'GET' })), APP, desired), 'fail', /\(GET\)/],
  ['empty Voice URL', () => checkApplication(ok(app({ voiceUrl: null })), APP, desired), 'fail', /\(empty\)/],
  ['no Status Callback URL', () => checkApplication(ok(app({ statusCallback: null })), APP, desired), 'fail',
    /^the Status Callback URL of APc{32} is empty, not https:\/\/phone\.example\.com\/handle_calls\/status \(POST\): missed calls never reach the history run `npm run setup`, or in Console → Voice → TwiML Apps → "Softphone \(phone\.example\.com\)" set the Status Callback URL to https:\/\/phone\.example\.com\/handle_calls\/status, method POST$/],
  ['Status Callback URL of another server', () => checkApplication(ok(app({ statusCallback: 'https://old.example.com/handle_calls/status' })), APP, desired), 'fail',
    /is https:\/\/old\.example\.com\/handle_calls\/status \(POST\), not https:\/\/phone\.example\.com\/handle_calls\/status \(POST\): missed calls never reach the history/],
  ['Status Callback with GET', () => checkApplication(ok(app({ statusCallbackMethod: 'GET' })), APP, desired), 'fail', /handle_calls\/status \(GET\), not .*method POST$/],
  ['both wrong: one verdict, both fixes', () => checkApplication(ok(app({ voiceUrl: null, statusCallback: null })), APP, desired), 'fail',
    /Voice URL .* \(empty\) .*never reach this server; the Status Callback URL .* is empty.*set the Voice Request URL to .*, method POST, and the Status Callback URL to https:\/\/phone\.example\.com\/handle_calls\/status, method POST$/],
  ['deleted app', () => checkApplication(ok(null), APP, desired), 'fail', /does not exist.*Status Callback URL https:\/\/phone\.example\.com\/handle_calls\/status \(POST\).*TWIML_APP_SID/],
  ['not set', () => checkApplication(undefined, undefined, desired), 'fail', /TWIML_APP_SID is not set.*Status Callback URL/],
]));

describe('checkNumberVoice', () => table([
  ['uses the app', () => checkNumberVoice({ number: ok(number()) }, NUMBER, APP, desired), 'pass', new RegExp(`TwiML App ${APP}`)],
  ['uses the URL directly', () => checkNumberVoice({ number: ok(number({ voiceApplicationSid: null, voiceUrl: `${BASE}/handle_calls` })) }, NUMBER, APP, desired), 'pass', /handle_calls \(POST\)/],
  ['points at the demo URL', () => checkNumberVoice({ number: ok(number({ voiceApplicationSid: null, voiceUrl: 'https://demo.twilio.com/welcome/voice/' })) }, NUMBER, APP, desired), 'fail',
    /sends its calls to https:\/\/demo\.twilio\.com\/welcome\/voice\/ \(POST\), not TwiML App.*choose "TwiML App"/],
  ['points at another app', () => checkNumberVoice({ number: ok(number({ voiceApplicationSid: OTHER_APP })) }, NUMBER, APP, desired), 'fail', new RegExp(`TwiML App ${OTHER_APP}, not TwiML App ${APP}`)],
  ['no voice configuration', () => checkNumberVoice({ number: ok(number({ voiceApplicationSid: null })) }, NUMBER, APP, desired), 'fail', /nowhere/],
  ['not on the account', () => checkNumberVoice({ number: ok(null), accountNumbers: ok(['+12025550199']) }, NUMBER, APP, desired), 'fail', /not a number of this account \(its numbers: \+12025550199\)/],
  ['account without numbers', () => checkNumberVoice({ number: ok(null), accountNumbers: ok([]) }, NUMBER, APP, desired), 'fail', /has no numbers/],
  ['not set', () => checkNumberVoice({}, undefined, APP, desired), 'fail', /TWILIO_NUMBER is not set/],
]));

describe('checkNumberSms', () => table([
  ['switched off', () => checkNumberSms({ number: ok(number()) }, NUMBER, desired), 'skip', /SMS_WEBHOOK_ENABLED is off/],
  ['no SMS URL yet', () => checkNumberSms({ number: ok(number()) }, NUMBER, withSms), 'fail', /nowhere.*handle_sms/],
  ['right SMS URL', () => checkNumberSms({ number: ok(number({ smsUrl: `${BASE}/handle_sms` })) }, NUMBER, withSms), 'pass', /handle_sms \(POST\)/],
  ['demo SMS URL', () => checkNumberSms({ number: ok(number({ smsUrl: 'https://demo.twilio.com/welcome/sms/reply' })) }, NUMBER, withSms), 'fail', /demo\.twilio\.com.*Messaging configuration/],
  ['number unknown', () => checkNumberSms({ number: ok(null) }, NUMBER, withSms), 'skip', /could not be read/],
]));

describe('checkPublicUrl', () => table([
  ['answers', () => checkPublicUrl({ ok: true, status: 200, softphone: true }, BASE), 'pass', /healthz answers over HTTPS/],
  ['plain http', () => checkPublicUrl({ ok: true, status: 200, softphone: true }, 'http://phone.example.com'), 'fail', /not https.*microphone/],
  ['nothing answers', () => checkPublicUrl({ ok: false, error: 'ECONNREFUSED' }, BASE), 'fail', /did not answer from here: ECONNREFUSED.*npm start/],
  ['another site', () => checkPublicUrl({ ok: true, status: 404, softphone: false }, BASE), 'fail', /answered 404.*PORT/],
  ['not set', () => checkPublicUrl(undefined, undefined), 'fail', /PUBLIC_BASE_URL is not set/],
]));

describe('checkWebhookAlerts', () => table([
  ['none', () => checkWebhookAlerts(ok([]), BASE), 'pass', /no webhook errors for https:\/\/phone\.example\.com in the last 24 hours/],
  ['a 403 from this server', () => checkWebhookAlerts(ok([alert()]), BASE), 'fail', /1 webhook error .*11200 on \/handle_calls.*403 means PUBLIC_BASE_URL/],
  ['the latest of several', () => checkWebhookAlerts(ok([alert(), alert({ errorCode: '11205', at: new Date('2030-01-01T11:00:00Z') })]), BASE), 'fail', /2 webhook errors.*11205.*could not connect/],
  ['parse failure', () => checkWebhookAlerts(ok([alert({ errorCode: '12100' })]), BASE), 'fail', /not TwiML/],
  ['alerts for other URLs do not count', () => checkWebhookAlerts(ok([alert({ requestUrl: 'https://old.example.com/handle_calls' }), alert({ requestUrl: 'https://phone.example.com.evil/x' })]), BASE), 'pass', /no webhook errors/],
  ['other error codes do not count', () => checkWebhookAlerts(ok([alert({ errorCode: '13227' })]), BASE), 'pass', /no webhook errors/],
  ['API not available', () => checkWebhookAlerts(failed(403, 20403, 'Forbidden'), BASE), 'skip', /not available.*403/],
]));

describe('checkClock', () => {
  const at = (localIso: string, twilioDate: string | undefined) => checkClock({ localMs: Date.parse(localIso), twilioDate });
  table([
    ['same second', () => at('2030-01-01T10:00:00.400Z', 'Tue, 01 Jan 2030 10:00:00 GMT'), 'pass', /within 1 s/],
    ['25 s off is fine', () => at('2030-01-01T10:00:25Z', 'Tue, 01 Jan 2030 10:00:00 GMT'), 'pass', /within 25 s/],
    ['2 minutes ahead', () => at('2030-01-01T10:02:00Z', 'Tue, 01 Jan 2030 10:00:00 GMT'), 'fail', /120 s ahead of Twilio's.*timedatectl/],
    ['an hour behind', () => at('2030-01-01T09:00:00Z', 'Tue, 01 Jan 2030 10:00:00 GMT'), 'fail', /3600 s behind/],
    ['no Date header', () => at('2030-01-01T10:00:00Z', undefined), 'skip', /no Date header/],
    ['no answer', () => checkClock(undefined), 'skip', /needs an answer/],
  ]);
});

describe('checkRingGroup', () => table([
  ['everyone exists', () => checkRingGroup(['alice', 'bob'], ['alice', 'bob'], NUMBER), 'pass', /alice and bob ring for calls to \+12025550100/],
  ['one ghost', () => checkRingGroup(['alice'], ['alice', 'dave'], NUMBER), 'fail', /names dave, who is not in SOFTPHONE_USERS/],
  ['two ghosts', () => checkRingGroup(['alice'], ['dave', 'erin'], NUMBER), 'fail', /dave and erin, who are not/],
  ['no users', () => checkRingGroup([], [], NUMBER), 'fail', /lists nobody.*hash-password/],
]));

describe('checkCountries', () => table([
  ['enabled', () => checkCountries(ok({ US: true, CA: true }), ['US', 'CA']), 'pass', /US and CA are enabled/],
  ['one disabled', () => checkCountries(ok({ US: true, GB: false }), ['US', 'GB']), 'fail', /calls to GB .* not enabled.*Geo permissions/],
  ['API not exposed', () => checkCountries(failed(403), ['US']), 'skip', /not available through the API/],
]));

describe('checkEmergency', () => {
  const registered = ok(number({ emergencyAddressSid: ADDRESS, emergencyAddressStatus: 'registered' }));
  table([
    ['off, no address', () => checkEmergency(ok(number()), false, NUMBER, ['112', '911']), 'pass', /off: the dial pad tells people to call 112 and 911 from another phone$/],
    ['off, address registered', () => checkEmergency(registered, false, NUMBER, ['112', '911']), 'pass', /EMERGENCY_CALLING=on would dial them/],
    ['on, registered', () => checkEmergency(registered, true, NUMBER, ['911']), 'pass', new RegExp(`on: .*${ADDRESS}`)],
    ['on, no address', () => checkEmergency(ok(number()), true, NUMBER, ['911']), 'fail', /EMERGENCY_CALLING=on but \+12025550100 has no registered emergency address \(none\).*EMERGENCY_CALLING=off/],
    ['on, pending', () => checkEmergency(ok(number({ emergencyAddressSid: ADDRESS, emergencyAddressStatus: 'pending-registration' })), true, NUMBER, ['911']), 'fail', /pending-registration/],
    ['on, number unknown', () => checkEmergency(ok(null), true, NUMBER, ['911']), 'skip', /could not be read/],
  ]);
});

describe('doctorVerdicts', () => {
  const settings: CheckSettings = {
    mode: 'twilio', accountSid: ACCOUNT, apiKeySid: KEY, twimlAppSid: APP, teamNumber: NUMBER, publicBaseUrl: BASE,
    users: ['alice'], ringGroup: ['alice'], allowedCountries: ['US'], emergencyCalling: false, emergencyNumbers: ['112', '911'],
  };
  const facts: AccountFacts = {
    account: ok({ sid: ACCOUNT, friendlyName: 'Team', status: 'active' }),
    clock: { localMs: Date.parse('Tue, 01 Jan 2030 10:00:00 GMT'), twilioDate: 'Tue, 01 Jan 2030 10:00:00 GMT' },
    apiKey: { exists: ok(true), secretWorks: ok(true) },
    application: ok(app()),
    number: ok(number()),
    alerts: ok([]),
    countries: ok({ US: true }),
  };
  const healthy = { ok: true as const, status: 200, softphone: true };

  it('lists every check once, in order, all passing (messages skipped) for a good set-up', () => {
    const verdicts = doctorVerdicts(settings, facts, healthy);
    expect(verdicts.map((v) => v.id)).toEqual([
      'config', 'credentials', 'api-key', 'twiml-app', 'number-voice', 'number-sms', 'public-url',
      'webhook-alerts', 'clock', 'countries', 'emergency', 'ring-group',
    ]);
    expect(verdicts.filter((v) => v.status !== 'pass').map((v) => v.id)).toEqual(['number-sms']);
  });

  it('skips, never passes, what needs the account when the credentials fail', () => {
    const verdicts = doctorVerdicts(settings, { account: failed(401, 20003, 'Authenticate') }, healthy);
    expect(verdicts.find((v) => v.id === 'credentials')!.status).toBe('fail');
    for (const id of ['api-key', 'twiml-app', 'number-voice', 'webhook-alerts', 'clock', 'countries', 'emergency']) {
      expect(verdicts.find((v) => v.id === id)!.status, id).toBe('skip');
    }
    expect(verdicts.find((v) => v.id === 'public-url')!.status).toBe('pass');
  });
});
