/**
 * What `npm run setup` changes (pure): from the facts read from the account and what the account must look
 * like (twilio/desired.ts), one step per thing — the API key, the TwiML App (its Voice URL and Status
 * Callback URL), the number's voice and messaging configuration, the geographic permissions — each either
 * already right or an action with the sentence that describes it; and the `.env` variables that differ
 * from the file. Nothing here calls Twilio.
 */
import type { AccountFacts, AppFacts, NumberFacts } from '../twilio/account-facts';
import type { DesiredAccount } from '../twilio/desired';

export type Action =
  | { kind: 'create-key'; friendlyName: string }
  | { kind: 'create-app'; friendlyName: string; voiceUrl: string; statusCallback: string }
  | { kind: 'update-app'; sid: string; voiceUrl: string; statusCallback: string }
  | { kind: 'update-number'; sid: string; voice: boolean; smsUrl?: string }
  | { kind: 'enable-countries'; isoCodes: string[] };

export interface Step {
  subject: string;
  /** undefined: already right. */
  action?: Action;
  /** What is so (already right), or what the action does and why. */
  text: string;
}

export interface SetupPlan {
  steps: Step[];
  /** Lines that inform without changing anything (messages switched off, permissions unreadable…). */
  notes: string[];
  /** The TwiML App to use when none is created. */
  appSid?: string;
  /** The API key to keep when none is created. */
  apiKeySid?: string;
}

export interface PlanInputs {
  teamNumber: string;
  apiKeySid?: string;
  twimlAppSid?: string;
  allowedCountries: readonly string[];
}

function keyStep(facts: AccountFacts, inputs: PlanInputs, desired: DesiredAccount): Step {
  const create = (why: string): Step => ({
    subject: 'API key',
    action: { kind: 'create-key', friendlyName: desired.keyName },
    text: `create a Standard API key "${desired.keyName}"${why}`,
  });
  const sid = inputs.apiKeySid;
  if (sid === undefined || facts.apiKey === undefined) return create('');
  const { exists, secretWorks } = facts.apiKey;
  if (exists.ok && !exists.value) return create(` (${sid} in .env no longer exists on the account)`);
  if (secretWorks.ok && !secretWorks.value) return create(` (the secret in .env does not work for ${sid})`);
  if (!exists.ok) throw new Error(`could not read API key ${sid}: ${exists.failure.message}`);
  if (!secretWorks.ok) throw new Error(`could not check API key ${sid}: ${secretWorks.failure.message}`);
  return { subject: `API key ${sid}`, text: 'already right (it belongs to the account and its secret works)' };
}

function appStep(facts: AccountFacts, inputs: PlanInputs, desired: DesiredAccount): { step: Step; sid?: string } {
  const wanted = `Voice URL ${desired.voiceUrl}, POST`;
  const wantedStatus = `Status Callback URL ${desired.statusCallback}, POST`;
  const check = (app: AppFacts): { step: Step; sid: string } => {
    const subject = `TwiML App ${app.sid}`;
    const changes: string[] = [];
    if (app.voiceUrl !== desired.voiceUrl || app.voiceMethod !== desired.voiceMethod) {
      changes.push(`set the Voice URL to ${desired.voiceUrl}, POST (it is ${app.voiceUrl ?? 'empty'}${app.voiceMethod !== 'POST' ? ` with ${app.voiceMethod}` : ''})`);
    }
    if (app.statusCallback !== desired.statusCallback || app.statusCallbackMethod !== desired.statusCallbackMethod) {
      const now = app.statusCallback === null ? 'empty' : `${app.statusCallback}${app.statusCallbackMethod !== 'POST' ? ` with ${app.statusCallbackMethod}` : ''}`;
      changes.push(`set the Status Callback URL to ${desired.statusCallback}, POST (it is ${now}), so that missed calls reach the history`);
    }
    if (changes.length === 0) return { sid: app.sid, step: { subject, text: `already right (${wanted}; ${wantedStatus})` } };
    return {
      sid: app.sid,
      step: { subject, action: { kind: 'update-app', sid: app.sid, voiceUrl: desired.voiceUrl, statusCallback: desired.statusCallback }, text: changes.join('; ') },
    };
  };
  let why = '';
  if (inputs.twimlAppSid !== undefined && facts.application !== undefined) {
    if (!facts.application.ok) throw new Error(`could not read TwiML App ${inputs.twimlAppSid}: ${facts.application.failure.message}`);
    if (facts.application.value !== null) return check(facts.application.value);
    why = ` (${inputs.twimlAppSid} in .env no longer exists)`;
  }
  // Without one in .env, the app an earlier run made for this address is the one to use.
  const named = facts.namedApplications?.ok ? facts.namedApplications.value : [];
  const mine = named.find((a) => a.voiceUrl === desired.voiceUrl) ?? named[0];
  if (mine && why === '') return check(mine);
  return {
    step: {
      subject: 'TwiML App',
      action: { kind: 'create-app', friendlyName: desired.applicationName, voiceUrl: desired.voiceUrl, statusCallback: desired.statusCallback },
      text: `create "${desired.applicationName}" with ${wanted} and ${wantedStatus}${why}`,
    },
  };
}

function describeVoice(n: NumberFacts): string {
  if (n.voiceApplicationSid) return `TwiML App ${n.voiceApplicationSid}`;
  return n.voiceUrl ? n.voiceUrl : 'nowhere';
}

function numberSteps(number: NumberFacts, appSid: string | undefined, desired: DesiredAccount): Step[] {
  const subject = `Number ${number.phoneNumber}`;
  const target = appSid ? `TwiML App ${appSid}` : 'the new TwiML App';
  const voice = appSid === undefined || number.voiceApplicationSid !== appSid;
  const sms = desired.smsUrl !== undefined && (number.smsUrl !== desired.smsUrl || number.smsMethod !== desired.smsMethod);
  const steps: Step[] = [];
  if (voice || sms) {
    steps.push({
      subject,
      action: { kind: 'update-number', sid: number.sid, voice, ...(sms ? { smsUrl: desired.smsUrl! } : {}) },
      text: [
        voice ? `send calls to ${target} (they go to ${describeVoice(number)})` : '',
        sms ? `send messages to ${desired.smsUrl} (they go to ${number.smsUrl ?? 'nowhere'})` : '',
      ].filter(Boolean).join('; '),
    });
  }
  if (!voice) steps.push({ subject, text: `already right (calls go to ${target})` });
  if (desired.smsUrl !== undefined && !sms) steps.push({ subject, text: `already right (messages go to ${desired.smsUrl})` });
  return steps;
}

export function planSetup(facts: AccountFacts, inputs: PlanInputs, desired: DesiredAccount): SetupPlan {
  const notes: string[] = [];
  const key = keyStep(facts, inputs, desired);
  const app = appStep(facts, inputs, desired);
  if (!facts.number?.ok) throw new Error(`could not read ${inputs.teamNumber}: ${facts.number?.ok === false ? facts.number.failure.message : 'not asked for'}`);
  const number = facts.number.value;
  if (number === null) throw new Error(`${inputs.teamNumber} is not a number of this account`);
  const steps = [key, app.step, ...numberSteps(number, app.sid, desired)];
  if (desired.smsUrl === undefined) {
    notes.push(`Number ${number.phoneNumber}: messaging left as it is (this server does not take messages yet; SMS_WEBHOOK_ENABLED is off)`);
  }

  if (facts.countries?.ok) {
    const off = inputs.allowedCountries.filter((iso) => !facts.countries!.ok || !(facts.countries!.value[iso] ?? false));
    steps.push(off.length === 0
      ? { subject: 'Dialing permissions', text: `already right (calls to ${inputs.allowedCountries.join(', ')} are enabled)` }
      : { subject: 'Dialing permissions', action: { kind: 'enable-countries', isoCodes: off }, text: `enable calls to ${off.join(', ')} (low-risk numbers only; DIAL_ALLOWED_COUNTRIES)` });
  } else if (facts.countries) {
    notes.push(`Dialing permissions: not readable through the API (${facts.countries.failure.message}); check Console → Voice → Settings → Geo permissions for ${inputs.allowedCountries.join(', ')}`);
  }

  return {
    steps,
    notes,
    ...(app.sid !== undefined ? { appSid: app.sid } : {}),
    ...(key.action === undefined && inputs.apiKeySid !== undefined ? { apiKeySid: inputs.apiKeySid } : {}),
  };
}

export type EnvChange = { name: string; kind: 'add' | 'replace'; secret: boolean; before?: string };

/** The variables of `wanted` that `.env` does not already hold with that value. */
export function envChanges(current: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>, secrets: ReadonlySet<string>): EnvChange[] {
  const changes: EnvChange[] = [];
  for (const [name, value] of Object.entries(wanted)) {
    const before = current[name]?.trim() ?? '';
    if (before === value) continue;
    const secret = secrets.has(name);
    changes.push(before === ''
      ? { name, kind: 'add', secret }
      : { name, kind: 'replace', secret, ...(secret ? {} : { before }) });
  }
  return changes;
}
