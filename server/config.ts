/**
 * Start-up configuration. `parseConfig` is pure: it reads a plain object of environment variables and
 * returns a typed Config or throws a ConfigError whose message is one line naming the variable and what
 * is expected, so a mistake stops the process before anything listens. One module on purpose: every
 * variable's rule sits beside the others, so one reading shows all that the server accepts.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_USERS, LOCAL_TEAM_NUMBER } from '../local-setup/demo';
import { ConfigError, printable } from './config-error';
import { parseVoicemailSettings } from './config-voicemail';
import type { VoicemailSettings } from './config-voicemail';
import { parseBaseUrl, parseDatabaseUrl, parseEmulatorOrigin, parseTestEndpoint } from './config-urls';
import { isPasswordHash } from './password';

export { ConfigError } from './config-error';
export { DEFAULT_VOICEMAIL_GREETING } from './config-voicemail';
export type { VoicemailSettings } from './config-voicemail';
export { isLoopbackHost, parseTestEndpoint } from './config-urls';

export type Mode = 'twilio' | 'local';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The Twilio account the server signs tokens with and checks webhooks against. */
export interface TwilioAccount {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  /** Checks X-Twilio-Signature on webhooks. */
  authToken: string;
  twimlAppSid: string;
  /** E.164: the number people call, and the caller ID for outgoing calls. */
  teamNumber: string;
}

export interface User {
  name: string;
  /** Output of `npm run hash-password`; undefined for local demo users (they use demoPassword). */
  passwordHash?: string;
}

interface CommonConfig {
  port: number;
  users: User[];
  /** Set when the users are the built-in local demo users. */
  demoPassword?: string;
  ringGroup: string[];
  ringTimeoutSeconds: number;
  /** How long someone dialed into a call (transfer, add person, ring-back) rings; RING_TIMEOUT_SECONDS unless set. */
  transferRingSeconds?: number;
  tokenTtlSeconds: number;
  /** Sign-in attempts per minute from one client network (an office behind one NAT address shares it). */
  signInRateLimit: number;
  dialAllowedCountries: CountryCode[];
  defaultCountry: CountryCode;
  logLevel: LogLevel;
  localDataDir: string;
  /**
   * Local mode only: origin of a Twilio stand-in running on its own (`npm run emulator`), e.g.
   * https://localhost:3301. Unset: the stand-in runs inside this server, on its origin.
   */
  emulatorOrigin?: string;
  /** Passed to Fastify's trustProxy when running behind a load balancer. */
  trustProxy: boolean | number | string;
  /**
   * An external PostgreSQL server (postgres://…), shared by every replica. Unset: the server runs an
   * embedded PostgreSQL itself, with its data under localDataDir.
   */
  databaseUrl?: string;
  /** Calls older than this many days are deleted from the history, once a day. */
  historyRetentionDays: number;
  /** Days text messages are kept (MESSAGE_RETENTION_DAYS). */
  messageRetentionDays: number;
  /**
   * EMERGENCY_CALLING=on: emergency numbers (911, 112, 999…) are dialed, provided the team number has an
   * emergency address registered (checked at start and by `npm run doctor`). Off: the dial pad tells
   * people to use another phone.
   */
  emergencyCalling: boolean;
  /** What an unanswered caller to the team number hears before the beep, and how long they may speak. */
  voicemail: VoicemailSettings;
  /**
   * Twilio mode, tests only (TWILIO_TEST_ENDPOINT): the loopback https origin of a Twilio stand-in that the
   * REST API and the browsers' signaling go to instead of Twilio, credentials included.
   */
  twilioTestEndpoint?: string;
}

export interface TwilioModeConfig extends CommonConfig {
  mode: 'twilio';
  account: TwilioAccount;
  publicBaseUrl: string;
  sessionSecret: string;
}

/** Local mode: the account, the session secret and (unless given) the public URL come from local-mode.ts. */
export interface LocalModeConfig extends CommonConfig {
  mode: 'local';
  account?: undefined;
  publicBaseUrl?: string;
  sessionSecret?: string;
}

export type Config = TwilioModeConfig | LocalModeConfig;

/** Everything buildApp needs; in local mode completed by `resolveLocalConfig`. */
export interface AppConfig extends CommonConfig {
  mode: Mode;
  account: TwilioAccount;
  /** No trailing slash, e.g. https://phone.example.com */
  publicBaseUrl: string;
  sessionSecret: string;
}

export type Env = Record<string, string | undefined>;

export const MAX_TOKEN_TTL_SECONDS = 86_400;
/** Twilio rings at most ten nouns in one <Dial>. */
export const MAX_RING_GROUP = 10;

export const TWILIO_VARIABLES = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_API_KEY_SID',
  'TWILIO_API_KEY_SECRET',
  'TWILIO_AUTH_TOKEN',
  'TWIML_APP_SID',
  'TWILIO_NUMBER',
] as const;

/** Lower case so that sign-in can be case-insensitive; starts with a letter so it never looks like a number. */
export const USER_NAME_PATTERN = /^[a-z][a-z0-9._-]{0,31}$/;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseConfig(env: Env): Config {
  const value = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : trimmed;
  };

  const present = TWILIO_VARIABLES.filter((name) => value(name) !== undefined);
  const missing = TWILIO_VARIABLES.filter((name) => value(name) === undefined);
  if (present.length > 0 && missing.length > 0) {
    throw new ConfigError(
      missing.join(', '),
      `missing; twilio mode needs all of ${TWILIO_VARIABLES.join(', ')} (${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set), local mode needs none of them`,
    );
  }
  const mode: Mode = present.length === 0 ? 'local' : 'twilio';

  const port = parseInteger(value('PORT'), 'PORT', 3000, 1, 65_535);
  const tokenTtlSeconds = parseInteger(value('TOKEN_TTL_SECONDS'), 'TOKEN_TTL_SECONDS', 3600, 60, MAX_TOKEN_TTL_SECONDS);
  const ringTimeoutSeconds = parseInteger(value('RING_TIMEOUT_SECONDS'), 'RING_TIMEOUT_SECONDS', 25, 5, 600);
  const transferRingSeconds = parseInteger(value('TRANSFER_RING_SECONDS'), 'TRANSFER_RING_SECONDS', ringTimeoutSeconds, 5, 600);
  const signInRateLimit = parseInteger(value('SIGN_IN_RATE_LIMIT'), 'SIGN_IN_RATE_LIMIT', 20, 1, 10_000);
  const logLevel = parseLogLevel(value('LOG_LEVEL'));
  const localDataDir = value('LOCAL_DATA_DIR') ?? '.local';
  const emulatorOriginRaw = value('EMULATOR_ORIGIN');
  if (emulatorOriginRaw !== undefined && mode === 'twilio') {
    throw new ConfigError('EMULATOR_ORIGIN', 'only used in local mode (the local Twilio stand-in); unset it when the TWILIO_* variables are set');
  }
  const emulatorOrigin = emulatorOriginRaw === undefined ? undefined : parseEmulatorOrigin(emulatorOriginRaw);
  const trustProxy = parseTrustProxy(value('TRUST_PROXY'));
  const databaseUrlRaw = value('DATABASE_URL');
  const databaseUrl = databaseUrlRaw === undefined ? undefined : parseDatabaseUrl(databaseUrlRaw);
  const historyRetentionDays = parseInteger(value('HISTORY_RETENTION_DAYS'), 'HISTORY_RETENTION_DAYS', 365, 1, 36_500);
  const messageRetentionDays = parseInteger(value('MESSAGE_RETENTION_DAYS'), 'MESSAGE_RETENTION_DAYS', 365, 1, 36_500);
  const emergencyCalling = parseOnOff(value('EMERGENCY_CALLING'), 'EMERGENCY_CALLING');
  const voicemail = parseVoicemailSettings(value);
  const testEndpointRaw = value('TWILIO_TEST_ENDPOINT');
  if (testEndpointRaw !== undefined && mode === 'local') {
    throw new ConfigError('TWILIO_TEST_ENDPOINT', 'only used in twilio mode (tests against a local Twilio stand-in); local mode uses EMULATOR_ORIGIN');
  }
  const twilioTestEndpoint = testEndpointRaw === undefined ? undefined : parseTestEndpoint(testEndpointRaw);

  let account: TwilioAccount | undefined;
  if (mode === 'twilio') {
    account = {
      accountSid: parseSid(value('TWILIO_ACCOUNT_SID')!, 'TWILIO_ACCOUNT_SID', 'AC', 'your Account SID'),
      apiKeySid: parseSid(value('TWILIO_API_KEY_SID')!, 'TWILIO_API_KEY_SID', 'SK', 'an API key SID'),
      apiKeySecret: parseSecret(value('TWILIO_API_KEY_SECRET')!, 'TWILIO_API_KEY_SECRET', 'the secret shown once when the API key was created'),
      authToken: parseAuthToken(value('TWILIO_AUTH_TOKEN')!),
      twimlAppSid: parseSid(value('TWIML_APP_SID')!, 'TWIML_APP_SID', 'AP', 'a TwiML App SID'),
      teamNumber: parseE164(value('TWILIO_NUMBER')!, 'TWILIO_NUMBER'),
    };
  }
  const teamNumber = account?.teamNumber ?? LOCAL_TEAM_NUMBER;
  const defaultCountry = parsePhoneNumberFromString(teamNumber)?.country ?? 'US';

  const dialAllowedCountries = parseCountries(value('DIAL_ALLOWED_COUNTRIES'), defaultCountry);

  const usersRaw = value('SOFTPHONE_USERS');
  let users: User[];
  let demoPassword: string | undefined;
  if (usersRaw !== undefined) {
    users = parseUsers(usersRaw);
    if (value('DEMO_PASSWORD') !== undefined) {
      throw new ConfigError('DEMO_PASSWORD', 'only used for the local demo users; unset it when SOFTPHONE_USERS is set');
    }
  } else if (mode === 'twilio') {
    throw new ConfigError(
      'SOFTPHONE_USERS',
      'required in twilio mode: name:hash pairs separated by commas, each hash printed by `npm run hash-password`',
    );
  } else {
    users = DEFAULT_DEMO_USERS.map((name) => ({ name }));
    demoPassword = value('DEMO_PASSWORD') ?? DEFAULT_DEMO_PASSWORD;
    if (demoPassword.length < 4) {
      throw new ConfigError('DEMO_PASSWORD', 'at least 4 characters');
    }
  }

  const ringGroup = parseRingGroup(value('RING_GROUP'), users);

  const publicBaseUrlRaw = value('PUBLIC_BASE_URL');
  const publicBaseUrl = publicBaseUrlRaw === undefined ? undefined : parseBaseUrl(publicBaseUrlRaw);
  const sessionSecretRaw = value('SESSION_SECRET');
  const sessionSecret = sessionSecretRaw === undefined ? undefined : parseSessionSecret(sessionSecretRaw);

  const common: CommonConfig = {
    port,
    users,
    ...(demoPassword === undefined ? {} : { demoPassword }),
    ringGroup,
    ringTimeoutSeconds,
    transferRingSeconds,
    tokenTtlSeconds,
    signInRateLimit,
    dialAllowedCountries,
    defaultCountry,
    logLevel,
    localDataDir,
    ...(emulatorOrigin === undefined ? {} : { emulatorOrigin }),
    trustProxy,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    historyRetentionDays,
    messageRetentionDays,
    emergencyCalling,
    voicemail,
    ...(twilioTestEndpoint === undefined ? {} : { twilioTestEndpoint }),
  };

  if (mode === 'twilio') {
    if (publicBaseUrl === undefined) {
      throw new ConfigError(
        'PUBLIC_BASE_URL',
        'required in twilio mode: the https:// address Twilio reaches this server at (webhook signatures are checked against it)',
      );
    }
    if (sessionSecret === undefined) {
      throw new ConfigError(
        'SESSION_SECRET',
        'required in twilio mode so that every replica accepts the same session cookies: at least 32 random characters (e.g. `openssl rand -base64 48`)',
      );
    }
    return { ...common, mode, account: account!, publicBaseUrl, sessionSecret };
  }
  return {
    ...common,
    mode,
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    ...(sessionSecret === undefined ? {} : { sessionSecret }),
  };
}

function parseInteger(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `a whole number from ${min} to ${max}, got "${printable(raw)}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `a whole number from ${min} to ${max}, got ${raw}`);
  return n;
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined) return 'info';
  const level = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}, got "${printable(raw)}"`);
  }
  return level;
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[0-9a-fA-F:.\/,\s]+$/.test(raw)) return raw;
  throw new ConfigError('TRUST_PROXY', `true, false, a number of proxy hops, or comma-separated proxy addresses/CIDRs, got "${printable(raw)}"`);
}

function parseSid(raw: string, name: string, prefix: string, what: string): string {
  if (!new RegExp(`^${prefix}[0-9a-f]{32}$`).test(raw)) {
    throw new ConfigError(name, `${what}: "${prefix}" followed by 32 hex digits, got "${redact(raw)}"`);
  }
  return raw;
}

function parseSecret(raw: string, name: string, what: string): string {
  if (!/^[A-Za-z0-9]{16,}$/.test(raw)) {
    throw new ConfigError(name, `${what} (at least 16 letters and digits)`);
  }
  return raw;
}

function parseAuthToken(raw: string): string {
  if (!/^[0-9a-f]{32}$/.test(raw)) {
    throw new ConfigError('TWILIO_AUTH_TOKEN', 'the account Auth Token from the Twilio console: 32 hex digits');
  }
  return raw;
}

function parseE164(raw: string, name: string): string {
  if (!/^\+[1-9]\d{6,14}$/.test(raw)) {
    throw new ConfigError(name, `a phone number in E.164 form such as +12025550100, got "${printable(raw)}"`);
  }
  const parsed = parsePhoneNumberFromString(raw);
  if (!parsed || !parsed.isValid()) {
    throw new ConfigError(name, `a valid phone number in E.164 form such as +12025550100, got "${printable(raw)}"`);
  }
  return parsed.number;
}

function parseCountries(raw: string | undefined, fallback: CountryCode): CountryCode[] {
  if (raw === undefined) return [fallback];
  const codes = raw.split(',').map((code) => code.trim().toUpperCase());
  const result: CountryCode[] = [];
  for (const code of codes) {
    if (!/^[A-Z]{2}$/.test(code) || !isSupportedCountry(code)) {
      throw new ConfigError(
        'DIAL_ALLOWED_COUNTRIES',
        `comma-separated two-letter country codes (ISO 3166-1 alpha-2) such as US,CA,GB; "${printable(code)}" is not one`,
      );
    }
    if (!result.includes(code)) result.push(code);
  }
  return result;
}

function parseUsers(raw: string): User[] {
  const users: User[] = [];
  for (const entry of raw.split(',')) {
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(':');
    const name = colon === -1 ? trimmed : trimmed.slice(0, colon);
    const hash = colon === -1 ? '' : trimmed.slice(colon + 1);
    if (!USER_NAME_PATTERN.test(name)) {
      throw new ConfigError(
        'SOFTPHONE_USERS',
        `name:hash pairs separated by commas; "${printable(name)}" is not a valid name (lower-case letter first, then letters, digits, . _ -, at most 32)`,
      );
    }
    if (!isPasswordHash(hash)) {
      throw new ConfigError('SOFTPHONE_USERS', `the hash for "${name}" is not one printed by \`npm run hash-password\``);
    }
    if (users.some((u) => u.name === name)) {
      throw new ConfigError('SOFTPHONE_USERS', `"${name}" is listed twice`);
    }
    users.push({ name, passwordHash: hash });
  }
  return users;
}

function parseRingGroup(raw: string | undefined, users: User[]): string[] {
  const known = users.map((u) => u.name);
  if (raw === undefined) {
    if (known.length > MAX_RING_GROUP) {
      throw new ConfigError(
        'RING_GROUP',
        `required when there are more than ${MAX_RING_GROUP} users: the names (at most ${MAX_RING_GROUP}) whose browsers ring for calls to the team number`,
      );
    }
    return known;
  }
  const names = [...new Set(raw.split(',').map((n) => n.trim().toLowerCase()))];
  for (const name of names) {
    if (!known.includes(name)) {
      throw new ConfigError('RING_GROUP', `names of users from SOFTPHONE_USERS separated by commas; "${printable(name)}" is not a user`);
    }
  }
  if (names.length > MAX_RING_GROUP) {
    throw new ConfigError('RING_GROUP', `at most ${MAX_RING_GROUP} names (Twilio rings at most ${MAX_RING_GROUP} browsers at once)`);
  }
  return names;
}

function parseOnOff(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  const v = raw.toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new ConfigError(name, `on or off (default off), got "${printable(raw)}"`);
}

function parseSessionSecret(raw: string): string {
  if (raw.length < 32) {
    throw new ConfigError('SESSION_SECRET', 'at least 32 random characters (e.g. `openssl rand -base64 48`)');
  }
  return raw;
}

/** Never echo secrets back in full; SIDs are not secret but may be pasted secrets by mistake. */
function redact(raw: string): string {
  return raw.length <= 6 ? printable(raw) : `${printable(raw.slice(0, 4))}…`;
}
