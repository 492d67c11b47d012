/**
 * A test account and configurations in both modes, for unit tests of the server and for the bench's
 * in-process servers; also signing webhooks the way Twilio does.
 */
import twilio from 'twilio';
import { generateLocalCredentials } from '../local-setup/setup';
import { parseConfig } from '../server/config';
import type { AppConfig, Env } from '../server/config';
import { resolveLocalConfig } from '../server/local-mode';
import { hashPassword } from '../server/password';

export const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
export const API_KEY_SID = `SK${'b'.repeat(32)}`;
export const API_KEY_SECRET = 'S3cretS3cretS3cretS3cretS3cret00';
export const AUTH_TOKEN = 'c'.repeat(32);
export const TWIML_APP_SID = `AP${'d'.repeat(32)}`;
export const TEAM_NUMBER = '+12025550100';
export const PUBLIC_BASE_URL = 'https://phone.example.com';
export const SESSION_SECRET = 'x'.repeat(48);

export const twilioEnv = (extra: Env = {}): Env => ({
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_API_KEY_SID: API_KEY_SID,
  TWILIO_API_KEY_SECRET: API_KEY_SECRET,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWIML_APP_SID: TWIML_APP_SID,
  TWILIO_NUMBER: TEAM_NUMBER,
  PUBLIC_BASE_URL,
  SESSION_SECRET,
  ...extra,
});

/** Cheap hashes (2^10) keep tests quick; the parameters travel inside the hash. */
export const fastHash = (password: string) => hashPassword(password, { log2N: 10, r: 8, p: 1 });

export const PASSWORDS: Record<string, string> = { alice: 'alice-password', bob: 'bob-password', carol: 'carol-password' };

let usersEnv: string | undefined;
export async function softphoneUsers(): Promise<string> {
  usersEnv ??= (
    await Promise.all(Object.entries(PASSWORDS).map(async ([name, pw]) => `${name}:${await fastHash(pw)}`))
  ).join(',');
  return usersEnv;
}

export async function twilioConfig(extra: Env = {}): Promise<AppConfig> {
  const config = parseConfig(twilioEnv({ SOFTPHONE_USERS: await softphoneUsers(), ...extra }));
  if (config.mode !== 'twilio') throw new Error('expected twilio mode');
  return config;
}

export function localConfig(extra: Env = {}): AppConfig {
  const config = parseConfig({ PORT: '3201', ...extra });
  if (config.mode !== 'local') throw new Error('expected local mode');
  return resolveLocalConfig(config, generateLocalCredentials());
}

export function sign(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}
