/**
 * `npm run doctor`: checks the configuration in `.env` (and the environment) against the Twilio account and
 * this server's public address, one line per check with a fix for each failure; the exit code is 0 only
 * when every check passes (a check the account does not allow is skipped, not failed). It reads and never
 * changes anything; `npm run setup` fixes most of what it finds.
 */
import { request } from 'node:https';
import { parseArgs } from 'node:util';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { ConfigError, parseConfig, type Config, type Env } from '../config';
import { gatherAccountFacts, type AccountFacts } from '../twilio/account-facts';
import type { HealthFacts, Verdict } from '../twilio/checks';
import { doctorVerdicts, type CheckSettings } from '../twilio/verdicts';
import { emergencyNumbers } from '../voice/emergency';
import { readEnvFile } from './env-file';
import { testEndpoint, type CommandIo } from './setup';
import { parseCountries, parseUsers } from './setup-inputs';

export const DOCTOR_USAGE = `Usage: npm run doctor -- [--env-path PATH]

Checks .env (default) and the environment against the Twilio account and the public address, prints one
line per check with a fix for each failure, and exits 0 only when every check passes.`;

const HEALTH_TIMEOUT_MS = 10_000;

/** GET PUBLIC_BASE_URL/healthz from here, as any client on the internet would (redirects not followed). */
export function fetchHealth(publicBaseUrl: string, ca?: string): Promise<HealthFacts> {
  return new Promise((resolve) => {
    const req = request(`${publicBaseUrl}/healthz`, { timeout: HEALTH_TIMEOUT_MS, ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        let softphone = false;
        try {
          softphone = (JSON.parse(body) as { ok?: unknown }).ok === true;
        } catch {
          softphone = false;
        }
        resolve({ ok: true, status: res.statusCode ?? 0, softphone });
      });
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${HEALTH_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve({ ok: false, error: (err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ${err.message}` : err.message }));
    req.end();
  });
}

/** The settings the checks compare against: the parsed configuration, or the raw values when it is refused. */
export function checkSettings(env: Env): CheckSettings {
  let config: Config | undefined;
  let configError: string | undefined;
  try {
    config = parseConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configError = err.message;
  }
  const raw = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const teamNumber = config?.account?.teamNumber ?? raw('TWILIO_NUMBER');
  const country = (config?.defaultCountry ?? parsePhoneNumberFromString(teamNumber ?? '')?.country ?? 'US') as CountryCode;
  const users = config?.users.map((u) => u.name) ?? [...parseUsers(raw('SOFTPHONE_USERS')).keys()];
  let allowedCountries: string[] = config?.dialAllowedCountries ?? [];
  if (!config) {
    try {
      allowedCountries = parseCountries(raw('DIAL_ALLOWED_COUNTRIES'), teamNumber ?? '+12025550100');
    } catch {
      allowedCountries = [];
    }
  }
  let publicBaseUrl = config?.publicBaseUrl;
  if (publicBaseUrl === undefined && raw('PUBLIC_BASE_URL') !== undefined) {
    try {
      const url = new URL(raw('PUBLIC_BASE_URL')!);
      publicBaseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      publicBaseUrl = undefined;
    }
  }
  const account = config?.account;
  return {
    ...(configError !== undefined ? { configError } : {}),
    ...(config ? { mode: config.mode } : {}),
    ...optional('accountSid', account?.accountSid ?? raw('TWILIO_ACCOUNT_SID')),
    ...optional('apiKeySid', account?.apiKeySid ?? raw('TWILIO_API_KEY_SID')),
    ...optional('twimlAppSid', account?.twimlAppSid ?? raw('TWIML_APP_SID')),
    ...optional('teamNumber', teamNumber),
    ...optional('publicBaseUrl', publicBaseUrl),
    users,
    ringGroup: config?.ringGroup ?? (raw('RING_GROUP')?.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean) ?? users),
    allowedCountries,
    emergencyCalling: config?.emergencyCalling ?? raw('EMERGENCY_CALLING')?.toLowerCase() === 'on',
    emergencyNumbers: emergencyNumbers(country),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

const TAGS: Record<Verdict['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatVerdict(v: Verdict): string {
  return `${TAGS[v.status]}  ${v.title}: ${v.detail}${v.fix ? `. Fix: ${v.fix}` : ''}`;
}

export async function runDoctor(argv: readonly string[], processEnv: Env, io: Pick<CommandIo, 'out' | 'err' | 'ca'>): Promise<number> {
  let envFile = '.env';
  try {
    const parsed = parseArgs({ args: [...argv], options: { 'env-path': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (parsed.values.help) {
      io.out(DOCTOR_USAGE);
      return 0;
    }
    envFile = parsed.values['env-path'] ?? envFile;
  } catch (err) {
    io.err(`doctor: ${(err as Error).message}\n${DOCTOR_USAGE}`);
    return 2;
  }
  const file = await readEnvFile(envFile);
  // As the server reads it: the environment first, then .env for what the environment does not set.
  const env: Env = { ...file.values, ...processEnv };
  const settings = checkSettings(env);
  let facts: AccountFacts | undefined;
  let health: HealthFacts | undefined;
  try {
    const endpoint = testEndpoint({ ...(env.TWILIO_TEST_ENDPOINT?.trim() ? { explicit: env.TWILIO_TEST_ENDPOINT.trim() } : {}) }, io);
    const authToken = env.TWILIO_AUTH_TOKEN?.trim();
    const keySecret = env.TWILIO_API_KEY_SECRET?.trim();
    io.out(`Checking ${file.text === undefined ? `the environment (no ${envFile})` : envFile}: Twilio account ${settings.accountSid ?? 'not set'}, public URL ${settings.publicBaseUrl ?? 'not set'}`);
    [facts, health] = await Promise.all([
      settings.accountSid && authToken
        ? gatherAccountFacts({
          accountSid: settings.accountSid,
          authToken,
          endpoint,
          ...(settings.apiKeySid && keySecret ? { apiKey: { sid: settings.apiKeySid, secret: keySecret } } : {}),
          ...(settings.twimlAppSid ? { applicationSid: settings.twimlAppSid } : {}),
          ...(settings.teamNumber ? { teamNumber: settings.teamNumber } : {}),
          countries: settings.allowedCountries,
        })
        : Promise.resolve(undefined),
      settings.publicBaseUrl?.startsWith('https://') ? fetchHealth(settings.publicBaseUrl, io.ca) : Promise.resolve(undefined),
    ]);
  } catch (err) {
    io.err(`doctor: ${(err as Error).message}`);
    return 1;
  }
  const verdicts = doctorVerdicts(settings, facts, health);
  for (const v of verdicts) io.out(formatVerdict(v));
  const failed = verdicts.filter((v) => v.status === 'fail').length;
  const skipped = verdicts.filter((v) => v.status === 'skip').length;
  io.out(failed === 0
    ? `All ${verdicts.length - skipped} checks passed${skipped > 0 ? ` (${skipped} skipped)` : ''}.`
    : `${failed} of ${verdicts.length} checks failed. \`npm run setup\` fixes most of them.`);
  return failed === 0 ? 0 : 1;
}
