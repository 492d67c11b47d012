/**
 * What `npm run setup` is told: command-line flags, the environment and the existing `.env`, in that order,
 * and questions on the terminal for whatever is still missing. A value given on the command line or in the
 * environment that differs from the one in `.env` replaces it only when the person says so (or `--yes`).
 */
import { parseArgs } from 'node:util';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { USER_NAME_PATTERN, type Env } from '../config';
import { hashPassword, verifyPassword } from '../password';
import type { Prompter } from './prompts';

export const USAGE = `Usage: npm run setup -- [options]

Configures a Twilio account for this softphone and writes .env (mode 600): an API key, the TwiML App
whose Voice URL is PUBLIC_BASE_URL/handle_calls, the number's voice configuration, geographic
permissions for DIAL_ALLOWED_COUNTRIES, a session secret and users. Asks for what it is not told.

  --account-sid AC…       or TWILIO_ACCOUNT_SID
  --auth-token …          or TWILIO_AUTH_TOKEN (prefer the variable: arguments are visible to others)
  --public-base-url URL   or PUBLIC_BASE_URL, the https address Twilio and browsers reach this server at
  --number +1…            or TWILIO_NUMBER (default: asks, or the account's only number)
  --env-path PATH         the file to write (default .env)
  --yes, -y               no questions: apply the changes, replace differing values in .env
  --dry-run               only print what would change
  SETUP_USERS=name:password,…   users to add without questions (passwords are hashed, never written)`;

export class UsageError extends Error {}

export interface SetupOptions {
  yes: boolean;
  dryRun: boolean;
  help: boolean;
  envFile: string;
  flags: Partial<Record<'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'PUBLIC_BASE_URL' | 'TWILIO_NUMBER', string>>;
}

export function parseSetupArgs(argv: readonly string[]): SetupOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'account-sid': { type: 'string' },
        'auth-token': { type: 'string' },
        'public-base-url': { type: 'string' },
        number: { type: 'string' },
        'env-path': { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const flags: SetupOptions['flags'] = {};
  if (v['account-sid'] !== undefined) flags.TWILIO_ACCOUNT_SID = v['account-sid'];
  if (v['auth-token'] !== undefined) flags.TWILIO_AUTH_TOKEN = v['auth-token'];
  if (v['public-base-url'] !== undefined) flags.PUBLIC_BASE_URL = v['public-base-url'];
  if (v.number !== undefined) flags.TWILIO_NUMBER = v.number;
  return { yes: v.yes === true, dryRun: v['dry-run'] === true, help: v.help === true, envFile: v['env-path'] ?? '.env', flags };
}

// ---- checking what was typed (pure) ------------------------------------------------------------------

export type Checked = { ok: true; value: string } | { ok: false; problem: string };

export const CHECKS = {
  TWILIO_ACCOUNT_SID: (raw: string): Checked => (/^AC[0-9a-f]{32}$/.test(raw) ? { ok: true, value: raw } : { ok: false, problem: 'an Account SID is "AC" followed by 32 hex digits (Twilio Console dashboard)' }),
  TWILIO_AUTH_TOKEN: (raw: string): Checked => (/^[0-9a-f]{32}$/.test(raw) ? { ok: true, value: raw } : { ok: false, problem: 'an Auth Token is 32 hex digits (Twilio Console dashboard)' }),
  PUBLIC_BASE_URL: (raw: string): Checked => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, problem: 'an absolute https:// address such as https://phone.example.com' };
    }
    if (url.protocol !== 'https:') return { ok: false, problem: 'an https:// address: browsers allow the microphone only on https pages' };
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return { ok: false, problem: 'an address without query, fragment or credentials' };
    return { ok: true, value: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
  },
  TWILIO_NUMBER: (raw: string): Checked => {
    const parsed = parsePhoneNumberFromString(raw.trim());
    return parsed?.isValid() && raw.trim().startsWith('+') ? { ok: true, value: parsed.number } : { ok: false, problem: 'a phone number in E.164 form, such as +12025550100' };
  },
} as const;

export type InputName = keyof typeof CHECKS;
export const SECRET_INPUTS: ReadonlySet<string> = new Set(['TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY_SECRET', 'SESSION_SECRET', 'SOFTPHONE_USERS']);

const shown = (name: string, value: string) => (SECRET_INPUTS.has(name) ? 'another value' : value);

export interface InputSources {
  flags: SetupOptions['flags'];
  env: Env;
  file: Record<string, string>;
  prompter: Prompter;
  interactive: boolean;
  yes: boolean;
  note(line: string): void;
}

/** The explicit value (flag, then environment) and the one in .env, for any variable. */
export function sourcesOf(name: string, s: Pick<InputSources, 'flags' | 'env' | 'file'>): { explicit?: string; file?: string } {
  const clean = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const explicit = clean((s.flags as Record<string, string | undefined>)[name]) ?? clean(s.env[name]);
  const file = clean(s.file[name]);
  return { ...(explicit !== undefined ? { explicit } : {}), ...(file !== undefined ? { file } : {}) };
}

/** Chooses between an explicit value and a different one in .env: the person decides, or `--yes` replaces. */
export async function settle(name: string, explicit: string | undefined, file: string | undefined, s: InputSources): Promise<string | undefined> {
  if (explicit === undefined || file === undefined || explicit === file) return explicit ?? file;
  if (s.yes) {
    s.note(`${name}: replacing ${shown(name, file)} in .env with the value given${SECRET_INPUTS.has(name) ? '' : ` (${explicit})`}`);
    return explicit;
  }
  if (!s.interactive) throw new Error(`${name} differs from the one in .env; pass --yes to replace it, or make them agree`);
  const replace = await s.prompter.confirm(`${name} in .env is ${shown(name, file)}; replace it with ${SECRET_INPUTS.has(name) ? 'the value given' : explicit}?`, false);
  return replace ? explicit : file;
}

/** One of the four inputs, checked, asked for until it is right when there is a terminal. */
export async function resolveInput(name: InputName, question: string, s: InputSources, ask = true): Promise<string | undefined> {
  const { explicit, file } = sourcesOf(name, s);
  const value = await settle(name, explicit, file, s);
  if (value !== undefined) {
    const checked = CHECKS[name](value);
    if (!checked.ok) throw new Error(`${name}: ${checked.problem}`);
    return checked.value;
  }
  if (!s.interactive || !ask) return undefined;
  for (;;) {
    const answer = name === 'TWILIO_AUTH_TOKEN' ? await s.prompter.secret(question) : await s.prompter.ask(question);
    const checked = CHECKS[name](answer);
    if (checked.ok) return checked.value;
    s.note(`  ${checked.problem}`);
  }
}

export function parseCountries(raw: string | undefined, teamNumber: string): string[] {
  const fallback = parsePhoneNumberFromString(teamNumber)?.country ?? 'US';
  if (raw === undefined || raw.trim() === '') return [fallback];
  const codes = [...new Set(raw.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean))];
  const bad = codes.find((c) => !/^[A-Z]{2}$/.test(c) || !isSupportedCountry(c));
  if (bad !== undefined) throw new Error(`DIAL_ALLOWED_COUNTRIES: "${bad}" is not a two-letter country code`);
  return codes;
}

// ---- users -------------------------------------------------------------------------------------------

export const MIN_PASSWORD = 8;

/** name → hash, as SOFTPHONE_USERS holds them (entries it cannot read are kept as they are). */
export function parseUsers(raw: string | undefined): Map<string, string> {
  const users = new Map<string, string>();
  for (const entry of (raw ?? '').split(',')) {
    const colon = entry.indexOf(':');
    if (colon > 0) users.set(entry.slice(0, colon).trim(), entry.slice(colon + 1).trim());
  }
  return users;
}

export const formatUsers = (users: ReadonlyMap<string, string>) => [...users].map(([n, h]) => `${n}:${h}`).join(',');

/** SETUP_USERS: name:password pairs (a password may contain ":" but not ","). */
export function parseSetupUsers(raw: string | undefined): { name: string; password: string }[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    const name = (colon < 0 ? entry : entry.slice(0, colon)).trim().toLowerCase();
    const password = colon < 0 ? '' : entry.slice(colon + 1);
    if (!USER_NAME_PATTERN.test(name)) throw new Error(`SETUP_USERS: "${name.slice(0, 32)}" is not a valid user name (lower-case letter first, then letters, digits, . _ -)`);
    if (password.length < MIN_PASSWORD) throw new Error(`SETUP_USERS: the password of ${name} needs at least ${MIN_PASSWORD} characters`);
    return { name, password };
  });
}

async function askUsers(s: InputSources, existing: ReadonlyMap<string, string>): Promise<{ name: string; password: string }[]> {
  const wanted: { name: string; password: string }[] = [];
  s.note(existing.size === 0
    ? 'Who may sign in? Add at least one person (an empty name finishes).'
    : `Users: ${[...existing.keys()].join(', ')}. Add someone or change a password (an empty name finishes).`);
  for (;;) {
    const name = (await s.prompter.ask('User name')).toLowerCase();
    if (name === '') {
      if (existing.size + wanted.length > 0) return wanted;
      s.note('  at least one user is needed');
      continue;
    }
    if (!USER_NAME_PATTERN.test(name)) {
      s.note('  a lower-case letter first, then letters, digits, . _ - (at most 32)');
      continue;
    }
    const password = await s.prompter.secret(`Password for ${name}`);
    if (password.length < MIN_PASSWORD) {
      s.note(`  at least ${MIN_PASSWORD} characters`);
      continue;
    }
    if ((await s.prompter.secret('The same password again')) !== password) {
      s.note('  the two passwords differ');
      continue;
    }
    wanted.push({ name, password });
  }
}

/**
 * SOFTPHONE_USERS with the users asked for added: a user whose password already matches keeps its hash
 * (so running set-up again changes nothing); anyone else gets a fresh hash from `npm run hash-password`'s
 * hashing.
 */
export async function resolveUsers(s: InputSources): Promise<{ users: Map<string, string>; changed: string[] }> {
  const { explicit, file } = sourcesOf('SOFTPHONE_USERS', s);
  const existing = parseUsers(explicit ?? file);
  const wanted = parseSetupUsers(s.env.SETUP_USERS);
  if (s.interactive && wanted.length === 0) wanted.push(...(await askUsers(s, existing)));
  const users = new Map(existing);
  const changed: string[] = [];
  for (const { name, password } of wanted) {
    const hash = users.get(name);
    if (hash !== undefined && (await verifyPassword(password, hash))) continue;
    users.set(name, await hashPassword(password));
    changed.push(name);
  }
  if (users.size === 0) throw new Error('twilio mode needs at least one user: set SETUP_USERS=name:password (or run setup in a terminal to be asked)');
  return { users, changed };
}
