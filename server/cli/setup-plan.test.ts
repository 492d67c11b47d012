import { describe, expect, it } from 'vitest';
import type { AccountFacts, AppFacts, Fetched, NumberFacts } from '../twilio/account-facts';
import { desiredAccount } from '../twilio/desired';
import { planSetup, type Action, type PlanInputs } from './setup-plan';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const KEY = 'SK' + 'b'.repeat(32);
const APP = 'AP' + 'c'.repeat(32);
const BASE = 'https://phone.example.com';
const NUMBER = '+12025550100';
const desired = desiredAccount(BASE, false);

const ok = <T>(value: T): Fetched<T> => ({ ok: true, value });
const app = (over: Partial<AppFacts> = {}): AppFacts => ({
  sid: APP, friendlyName: 'Softphone (phone.example.com)', voiceUrl: `${BASE}/handle_calls`, voiceMethod: 'POST',
  statusCallback: `${BASE}/handle_calls/status`, statusCallbackMethod: 'POST', ...over,
});
const number: NumberFacts = {
  sid: 'PN' + '1'.repeat(32), phoneNumber: NUMBER, voiceApplicationSid: APP, voiceUrl: null, voiceMethod: 'POST',
  smsUrl: null, smsMethod: 'POST', emergencyAddressSid: null, emergencyAddressStatus: 'unregistered',
};
const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  account: ok({ sid: ACCOUNT, friendlyName: 'Team', status: 'active' }),
  apiKey: { exists: ok(true), secretWorks: ok(true) },
  application: ok(app()),
  number: ok(number),
  countries: ok({ US: true }),
  ...over,
});
const noApp: PlanInputs = { teamNumber: NUMBER, apiKeySid: KEY, allowedCountries: ['US'] };
const inputs: PlanInputs = { ...noApp, twimlAppSid: APP };

const update: Action = { kind: 'update-app', sid: APP, voiceUrl: `${BASE}/handle_calls`, statusCallback: `${BASE}/handle_calls/status` };
const create: Action = { kind: 'create-app', friendlyName: 'Softphone (phone.example.com)', voiceUrl: `${BASE}/handle_calls`, statusCallback: `${BASE}/handle_calls/status` };

/** The TwiML App's step: what the account holds, what the plan does (no action: already right), and what it says. */
type Row = [string, AccountFacts, PlanInputs, Action | undefined, RegExp];

describe('planSetup: the TwiML App', () => {
  const rows: Row[] = [
    ['right Voice URL and Status Callback URL', facts(), inputs, undefined,
      /^already right \(Voice URL https:\/\/phone\.example\.com\/handle_calls, POST; Status Callback URL https:\/\/phone\.example\.com\/handle_calls\/status, POST\)$/],
    ['no Status Callback URL', facts({ application: ok(app({ statusCallback: null })) }), inputs, update,
      /^set the Status Callback URL to https:\/\/phone\.example\.com\/handle_calls\/status, POST \(it is empty\), so that missed calls reach the history$/],
    ['the Status Callback URL of another server', facts({ application: ok(app({ statusCallback: 'https://old.example.com/handle_calls/status' })) }), inputs, update,
      /^set the Status Callback URL to .* \(it is https:\/\/old\.example\.com\/handle_calls\/status\), so that/],
    ['Status Callback with GET', facts({ application: ok(app({ statusCallbackMethod: 'GET' })) }), inputs, update,
      /\(it is https:\/\/phone\.example\.com\/handle_calls\/status with GET\)/],
    ['wrong Voice URL, right Status Callback URL', facts({ application: ok(app({ voiceUrl: 'https://old.example.com/handle_calls' })) }), inputs, update,
      /^set the Voice URL to https:\/\/phone\.example\.com\/handle_calls, POST \(it is https:\/\/old\.example\.com\/handle_calls\)$/],
    ['both wrong', facts({ application: ok(app({ voiceUrl: null, statusCallback: null })) }), inputs, update,
      /^set the Voice URL to .* \(it is empty\); set the Status Callback URL to .* \(it is empty\), so that missed calls reach the history$/],
    ['none yet', facts({ application: undefined, namedApplications: ok([]) }), noApp, create,
      /^create "Softphone \(phone\.example\.com\)" with Voice URL https:\/\/phone\.example\.com\/handle_calls, POST and Status Callback URL https:\/\/phone\.example\.com\/handle_calls\/status, POST$/],
    ['the one in .env was deleted', facts({ application: ok(null), namedApplications: ok([]) }), inputs, create, /and Status Callback URL .* \(APc{32} in \.env no longer exists\)$/],
    ['an earlier run made one without a status callback', facts({ application: undefined, namedApplications: ok([app({ statusCallback: null })]) }), noApp, update,
      /^set the Status Callback URL to/],
  ];

  it.each(rows)('%s', (_name, accountFacts, planInputs, action, words) => {
    const plan = planSetup(accountFacts, planInputs, desired);
    const step = plan.steps.find((s) => s.subject.startsWith('TwiML App'))!;
    expect(step.action).toEqual(action);
    expect(step.text).toMatch(words);
    if (action?.kind !== 'create-app') expect(plan.appSid).toBe(APP);
  });

  it('changes nothing on a right account', () => {
    expect(planSetup(facts(), inputs, desired).steps.filter((s) => s.action !== undefined)).toEqual([]);
  });
});
