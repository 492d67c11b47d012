/** The voicemail settings of the configuration (config.ts): greetings, length, retention, business hours, where audio is kept. */
import { ConfigError, printable } from './config-error';
import { parseBusinessHours } from './voice/business-hours';
import type { BusinessHours } from './voice/business-hours';

export interface VoicemailSettings {
  /** VOICEMAIL_GREETING: spoken (<Say>) before the beep. */
  greeting: string;
  /** VOICEMAIL_MAX_SECONDS: the longest message (<Record maxLength>). */
  maxSeconds: number;
  /** VOICEMAIL_RETENTION_DAYS: messages older than this are deleted with their recordings; undefined keeps them. */
  retentionDays?: number;
  /** BUSINESS_HOURS: outside them callers go straight to voicemail; undefined: always open. */
  businessHours?: BusinessHours;
  /** VOICEMAIL_AFTER_HOURS_GREETING: what callers hear outside business hours. */
  afterHoursGreeting: string;
  /** VOICEMAIL_STORE: audio kept at Twilio and proxied, or copied into the database and removed at Twilio. */
  store: VoicemailStore;
}

export const VOICEMAIL_STORES = ['twilio', 'database'] as const;
export type VoicemailStore = (typeof VOICEMAIL_STORES)[number];

/** Says what to do, and contains the words the caller would hear without voicemail, so it reads the same to them. */
export const DEFAULT_VOICEMAIL_GREETING =
  'Sorry, no one is available to take your call. Please leave a message after the tone, and press the pound key when you are done.';
export const DEFAULT_AFTER_HOURS_GREETING =
  'Thank you for calling. We are closed right now. Please leave a message after the tone, and press the pound key when you are done.';
/** Twilio's <Say> takes up to 4096 characters; a greeting is a sentence or two. */
const MAX_GREETING_LENGTH = 1000;

export function parseVoicemailSettings(value: (name: string) => string | undefined): VoicemailSettings {
  const retention = value('VOICEMAIL_RETENTION_DAYS');
  const hours = value('BUSINESS_HOURS');
  let businessHours: BusinessHours | undefined;
  try {
    businessHours = hours === undefined ? undefined : parseBusinessHours(hours);
  } catch (err) {
    throw new ConfigError('BUSINESS_HOURS', (err as Error).message);
  }
  return {
    greeting: parseGreeting(value('VOICEMAIL_GREETING'), 'VOICEMAIL_GREETING', DEFAULT_VOICEMAIL_GREETING),
    afterHoursGreeting: parseGreeting(value('VOICEMAIL_AFTER_HOURS_GREETING'), 'VOICEMAIL_AFTER_HOURS_GREETING', DEFAULT_AFTER_HOURS_GREETING),
    ...(businessHours === undefined ? {} : { businessHours }),
    store: parseStore(value('VOICEMAIL_STORE')),
    maxSeconds: wholeNumber(value('VOICEMAIL_MAX_SECONDS'), 'VOICEMAIL_MAX_SECONDS', 120, 5, 3600),
    ...(retention === undefined ? {} : { retentionDays: wholeNumber(retention, 'VOICEMAIL_RETENTION_DAYS', 0, 1, 36_500) }),
  };
}

function parseStore(raw: string | undefined): VoicemailStore {
  if (raw === undefined) return 'twilio';
  const found = VOICEMAIL_STORES.find((s) => s === raw.trim().toLowerCase());
  if (found === undefined) throw new ConfigError('VOICEMAIL_STORE', `"twilio" (audio stays at Twilio) or "database" (copied into PostgreSQL, removed at Twilio), got "${printable(raw)}"`);
  return found;
}

function parseGreeting(raw: string | undefined, name: string, fallback: string): string {
  if (raw === undefined) return fallback;
  const text = raw.trim();
  if (text === '' || text.length > MAX_GREETING_LENGTH) {
    throw new ConfigError(name, `the sentence callers hear before the beep, 1 to ${MAX_GREETING_LENGTH} characters`);
  }
  return text;
}

function wholeNumber(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(name, `a whole number from ${min} to ${max}, got "${printable(raw)}"`);
  return Number(raw);
}
