/**
 * `npm run setup`: configures a real Twilio account for this softphone in one command, through the
 * `twilio` helper — a Standard API key, the TwiML App whose Voice URL is PUBLIC_BASE_URL/handle_calls and
 * Status Callback URL PUBLIC_BASE_URL/handle_calls/status, the team number pointed at that app, geographic
 * permissions for DIAL_ALLOWED_COUNTRIES — and writes `.env` (mode 600, existing values replaced only when
 * the person agrees) with a fresh SESSION_SECRET and users.
 * It reads first and changes only what is not already right, so running it again changes nothing and
 * says so. `--dry-run` prints the plan; `--yes` applies it without questions.
 */
import { randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ConfigError, parseTestEndpoint, type Env } from '../config';
import { gatherAccountFacts, type AccountFacts } from '../twilio/account-facts';
import { checkCredentials } from '../twilio/checks';
import { desiredAccount } from '../twilio/desired';
import { describeFailure, restFailure, testEndpointWarning, twilioRestClient, type Endpoint, type TwilioClient } from '../twilio/rest-client';
import { emergencyNumbers } from '../voice/emergency';
import { mergeEnv, readEnvFile, restrictEnvFile, writeEnvFile, type EnvFile } from './env-file';
import type { Prompter } from './prompts';
import {
  formatUsers, parseCountries, parseSetupArgs, resolveInput, resolveUsers, SECRET_INPUTS, settle, sourcesOf, USAGE, UsageError,
  type InputSources, type SetupOptions,
} from './setup-inputs';
import { envChanges, planSetup, type Action, type EnvChange, type SetupPlan } from './setup-plan';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  prompter: Prompter;
  /** A person answers questions (a terminal, and no --yes). */
  interactive: boolean;
  /** PEM to trust for TWILIO_TEST_ENDPOINT and PUBLIC_BASE_URL (tests in one process; else NODE_EXTRA_CA_CERTS). */
  ca?: string;
}

const line = (tag: string, text: string) => `  ${tag.padEnd(7)} ${text}`;

function describeEnvChanges(changes: readonly EnvChange[], modeFix: boolean, file: EnvFile): string {
  const added = changes.filter((c) => c.kind === 'add').map((c) => c.name);
  const parts = [
    ...(added.length > 0 ? [`add ${added.join(', ')}`] : []),
    ...changes.filter((c) => c.kind === 'replace').map((c) => `replace ${c.name}${c.before !== undefined ? ` (was ${c.before})` : ''}`),
  ];
  if (modeFix) parts.push(`make it readable by its owner only (mode 600, was ${file.mode!.toString(8)})`);
  return `${file.path}: ${parts.join('; ')}`;
}

async function apply(client: TwilioClient, action: Action, made: { appSid?: string }): Promise<{ text: string; key?: { sid: string; secret: string }; appSid?: string }> {
  switch (action.kind) {
    case 'create-key': {
      const key = await client.newKeys.create({ friendlyName: action.friendlyName });
      return { text: `API key: created ${key.sid} ("${action.friendlyName}")`, key: { sid: key.sid, secret: key.secret } };
    }
    case 'create-app': {
      const app = await client.applications.create({
        friendlyName: action.friendlyName, voiceUrl: action.voiceUrl, voiceMethod: 'POST', statusCallback: action.statusCallback, statusCallbackMethod: 'POST',
      });
      return { text: `TwiML App: created ${app.sid} ("${action.friendlyName}", Voice URL ${action.voiceUrl}, Status Callback URL ${action.statusCallback})`, appSid: app.sid };
    }
    case 'update-app':
      // Both URLs are set whichever was wrong: the same values again change nothing.
      await client.applications(action.sid).update({ voiceUrl: action.voiceUrl, voiceMethod: 'POST', statusCallback: action.statusCallback, statusCallbackMethod: 'POST' });
      return { text: `TwiML App ${action.sid}: Voice URL is now ${action.voiceUrl}, Status Callback URL ${action.statusCallback} (both POST)` };
    case 'update-number': {
      const n = await client.incomingPhoneNumbers(action.sid).update({
        ...(action.voice ? { voiceApplicationSid: made.appSid! } : {}),
        ...(action.smsUrl !== undefined ? { smsUrl: action.smsUrl, smsMethod: 'POST' } : {}),
      });
      return { text: `Number ${n.phoneNumber}: ${[action.voice ? `calls go to TwiML App ${made.appSid}` : '', action.smsUrl ? `messages go to ${action.smsUrl}` : ''].filter(Boolean).join('; ')}` };
    }
    case 'enable-countries': {
      // Each entry carries all three risk classes; the high-risk ones stay as they are.
      const current = await Promise.all(action.isoCodes.map((iso) => client.voice.v1.dialingPermissions.countries(iso).fetch()));
      await client.voice.v1.dialingPermissions.bulkCountryUpdates.create({
        updateRequest: JSON.stringify(current.map((c) => ({
          iso_code: c.isoCode,
          low_risk_numbers_enabled: 'true',
          high_risk_special_numbers_enabled: String(c.highRiskSpecialNumbersEnabled === true),
          high_risk_tollfraud_numbers_enabled: String(c.highRiskTollfraudNumbersEnabled === true),
        }))),
      });
      return { text: `Dialing permissions: calls to ${action.isoCodes.join(', ')} enabled` };
    }
  }
}

/** The test-only override, guarded as the server guards it, and announced. */
export function testEndpoint(raw: { explicit?: string; file?: string }, io: Pick<CommandIo, 'err' | 'ca'>): Endpoint {
  const value = raw.explicit ?? raw.file;
  if (value === undefined) return {};
  let origin: string;
  try {
    origin = parseTestEndpoint(value);
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(err.message);
    throw err;
  }
  io.err(testEndpointWarning(origin));
  return { origin, ...(io.ca !== undefined ? { ca: io.ca } : {}) };
}

function emergencyNote(facts: AccountFacts, env: Env, file: EnvFile, teamNumber: string): string {
  const n = facts.number?.ok ? facts.number.value : null;
  const registered = n?.emergencyAddressSid && n.emergencyAddressStatus === 'registered';
  const on = (env.EMERGENCY_CALLING ?? file.values.EMERGENCY_CALLING ?? '').trim().toLowerCase() === 'on';
  const numbers = emergencyNumbers(parsePhoneNumberFromString(teamNumber)?.country ?? 'US').join(', ');
  if (on && registered) return `Emergency calling: on; ${numbers} are dialed with ${teamNumber}'s registered emergency address`;
  if (on) return `Emergency calling: EMERGENCY_CALLING=on, but ${teamNumber} has no registered emergency address, so ${numbers} are not dialed; register one in Console → Phone Numbers → ${teamNumber} → Emergency Calling`;
  if (registered) return `Emergency calling: off; ${teamNumber} has a registered emergency address, so EMERGENCY_CALLING=on would dial ${numbers}`;
  return `Emergency calling: off; the dial pad tells people to call ${numbers} from another phone (${teamNumber} has no emergency address)`;
}

export async function runSetup(argv: readonly string[], env: Env, io: CommandIo): Promise<number> {
  let options: SetupOptions;
  try {
    options = parseSetupArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`setup: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  const interactive = io.interactive && !options.yes;
  try {
    return await setup(options, env, { ...io, interactive });
  } catch (err) {
    io.err(`setup: ${(err as Error).message}`);
    return 1;
  } finally {
    io.prompter.close();
  }
}

async function setup(options: SetupOptions, env: Env, io: CommandIo): Promise<number> {
  const file = await readEnvFile(options.envFile);
  const sources: InputSources = {
    flags: options.flags, env, file: file.values, prompter: io.prompter, interactive: io.interactive, yes: options.yes,
    note: (text) => io.err(text),
  };
  const missing = (name: string, flag: string) => new Error(`${name} is needed: pass --${flag} or set ${name} (or run setup in a terminal to be asked)`);

  const endpoint = testEndpoint(sourcesOf('TWILIO_TEST_ENDPOINT', sources), io);

  const accountSid = await resolveInput('TWILIO_ACCOUNT_SID', 'Account SID (Twilio Console dashboard, AC…)', sources) ?? (() => { throw missing('TWILIO_ACCOUNT_SID', 'account-sid'); })();
  const authToken = await resolveInput('TWILIO_AUTH_TOKEN', 'Auth Token (Twilio Console dashboard)', sources) ?? (() => { throw missing('TWILIO_AUTH_TOKEN', 'auth-token'); })();
  const publicBaseUrl = await resolveInput('PUBLIC_BASE_URL', 'Public https address of this server (e.g. https://phone.example.com)', sources) ?? (() => { throw missing('PUBLIC_BASE_URL', 'public-base-url'); })();
  const desired = desiredAccount(publicBaseUrl);

  const first = await gatherAccountFacts({ accountSid, authToken, endpoint, alerts: false });
  const credentials = checkCredentials(first.account, accountSid);
  if (credentials.status !== 'pass') throw new Error(`${credentials.detail}. Fix: ${credentials.fix}`);
  io.out(`Twilio account: ${credentials.detail}`);

  // Not asked for as text: a person chooses from the account's numbers below.
  let teamNumber = await resolveInput('TWILIO_NUMBER', 'Team number', sources, false);
  if (teamNumber === undefined) {
    if (!first.accountNumbers?.ok) throw new Error(`could not list the account's numbers: ${first.accountNumbers ? describeFailure(first.accountNumbers.failure) : 'not read'}`);
    const numbers = first.accountNumbers.value;
    if (numbers.length === 0) throw new Error('the account has no phone number: buy one in Console → Phone Numbers → Buy a number, then run setup again');
    if (numbers.length === 1) {
      teamNumber = numbers[0]!;
      io.err(`Team number: ${teamNumber}, the account's only number`);
    } else if (io.interactive) {
      teamNumber = numbers[await io.prompter.choose('Which number is the team number?', numbers)]!;
    } else {
      throw new Error(`the account has ${numbers.length} numbers (${numbers.join(', ')}): pass --number or set TWILIO_NUMBER`);
    }
  }
  const countries = parseCountries(sourcesOf('DIAL_ALLOWED_COUNTRIES', sources).explicit ?? sourcesOf('DIAL_ALLOWED_COUNTRIES', sources).file, teamNumber);
  const { users, changed: usersChanged } = await resolveUsers(sources);

  const keySid = await settle('TWILIO_API_KEY_SID', sourcesOf('TWILIO_API_KEY_SID', sources).explicit, sourcesOf('TWILIO_API_KEY_SID', sources).file, sources);
  const keySecret = await settle('TWILIO_API_KEY_SECRET', sourcesOf('TWILIO_API_KEY_SECRET', sources).explicit, sourcesOf('TWILIO_API_KEY_SECRET', sources).file, sources);
  const appSid = await settle('TWIML_APP_SID', sourcesOf('TWIML_APP_SID', sources).explicit, sourcesOf('TWIML_APP_SID', sources).file, sources);
  const facts = await gatherAccountFacts({
    accountSid, authToken, endpoint, alerts: false, teamNumber, countries,
    ...(keySid && keySecret ? { apiKey: { sid: keySid, secret: keySecret } } : {}),
    ...(appSid ? { applicationSid: appSid } : {}),
    applicationName: desired.applicationName,
  });
  const plan: SetupPlan = planSetup(facts, { teamNumber, allowedCountries: countries, ...(keySid && keySecret ? { apiKeySid: keySid } : {}), ...(appSid ? { twimlAppSid: appSid } : {}) }, desired);

  const sessionSecret = sourcesOf('SESSION_SECRET', sources);
  const wanted: Record<string, string> = {
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_API_KEY_SID: plan.apiKeySid ?? '(new key)',
    TWILIO_API_KEY_SECRET: plan.apiKeySid ? keySecret! : '(new key)',
    TWIML_APP_SID: plan.appSid ?? '(new app)',
    TWILIO_NUMBER: teamNumber,
    PUBLIC_BASE_URL: publicBaseUrl,
    SESSION_SECRET: sessionSecret.explicit ?? sessionSecret.file ?? randomBytes(48).toString('base64url'),
    SOFTPHONE_USERS: formatUsers(users),
  };
  const changes = envChanges(file.values, wanted, SECRET_INPUTS);
  const modeFix = file.text !== undefined && file.mode !== 0o600;
  const actions = plan.steps.filter((s) => s.action !== undefined);

  io.out(options.dryRun ? 'Dry run: nothing is changed. Setup would:' : 'Set-up:');
  for (const step of plan.steps) io.out(line(step.action ? (options.dryRun ? 'would' : 'change') : 'ok', `${step.subject}: ${step.text}`));
  if (usersChanged.length > 0) io.out(line(options.dryRun ? 'would' : 'change', `Users: add or change ${usersChanged.join(', ')} (passwords hashed into SOFTPHONE_USERS)`));
  if (changes.length > 0 || modeFix) io.out(line(options.dryRun ? 'would' : 'change', describeEnvChanges(changes, modeFix, file)));
  else io.out(line('ok', `${file.path}: already right`));
  for (const note of [...plan.notes, emergencyNote(facts, env, file, teamNumber)]) io.out(line('note', note));

  if (actions.length === 0 && changes.length === 0 && !modeFix) {
    io.out('Everything is already right; nothing changed.');
    return 0;
  }
  if (options.dryRun) return 0;
  if (!options.yes) {
    if (!io.interactive) throw new Error('setup changes the account and .env only when told to: run it in a terminal, or pass --yes (or --dry-run to see the plan)');
    if (!(await io.prompter.confirm('Apply these changes?', true))) {
      io.out('Nothing changed.');
      return 1;
    }
  }

  const made: { appSid?: string; key?: { sid: string; secret: string } } = { ...(plan.appSid ? { appSid: plan.appSid } : {}) };
  const client = twilioRestClient({ username: accountSid, password: authToken, accountSid }, endpoint);
  let failure: string | undefined;
  for (const step of actions) {
    try {
      const done = await apply(client, step.action!, made);
      if (done.key) made.key = done.key;
      if (done.appSid) made.appSid = done.appSid;
      io.out(line('done', done.text));
    } catch (err) {
      failure = `${step.subject}: ${describeFailure(restFailure(err))}`;
      break;
    }
  }

  // Whatever was made is written down, even after a failure: a key's secret is shown only once.
  const written: Record<string, string> = { ...wanted };
  if (made.key) Object.assign(written, { TWILIO_API_KEY_SID: made.key.sid, TWILIO_API_KEY_SECRET: made.key.secret });
  else if (!plan.apiKeySid) { delete written.TWILIO_API_KEY_SID; delete written.TWILIO_API_KEY_SECRET; }
  if (made.appSid) written.TWIML_APP_SID = made.appSid;
  else delete written.TWIML_APP_SID;
  const finalChanges = envChanges(file.values, written, SECRET_INPUTS);
  if (finalChanges.length > 0) {
    const updates = Object.fromEntries(finalChanges.map((c) => [c.name, written[c.name]!]));
    await writeEnvFile(file.path, mergeEnv(file.text ?? '', updates));
    io.out(line('done', `${file.path}: wrote ${finalChanges.map((c) => c.name).join(', ')} (mode 600)`));
  } else if (modeFix) {
    await restrictEnvFile(file.path);
    io.out(line('done', `${file.path}: mode 600`));
  }
  if (failure !== undefined) {
    io.err(`setup: ${failure}. What was done is kept; run setup again to finish.`);
    return 1;
  }
  io.out('Done. Next: `npm run doctor` checks the whole set-up; `npm start` runs the server.');
  return 0;
}
