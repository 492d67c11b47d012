/**
 * Accounts the emulator can start with besides the configured local one: a fresh account, as Twilio
 * hands it over (no API keys, no TwiML Apps, the number answering with Twilio's demo URLs), and the
 * addresses the deliberately wrong configurations point at (AccountRegistry.misconfigure).
 */
import type { EmulatorOptions } from './types';

/** Where a newly bought Twilio number sends its calls and messages. */
export const DEMO_VOICE_URL = 'https://demo.twilio.com/welcome/voice/';
export const DEMO_SMS_URL = 'https://demo.twilio.com/welcome/sms/reply';
/** A TwiML App still pointing at a server that moved. */
export const OLD_VOICE_URL = 'https://old-phone.example.com/handle_calls';

export type AccountPreset = 'configured' | 'fresh';

/** A fresh account: only the account's own credentials and one number, nothing configured yet. */
export function freshAccount(
  options: Pick<EmulatorOptions, 'account' | 'numbers'>,
): Pick<EmulatorOptions, 'account' | 'applications' | 'numbers'> {
  return {
    account: { accountSid: options.account.accountSid, authToken: options.account.authToken, apiKeys: [] },
    applications: [],
    numbers: options.numbers.map((n) => ({ phoneNumber: n.phoneNumber, voiceUrl: DEMO_VOICE_URL, smsUrl: DEMO_SMS_URL })),
  };
}

export function parsePreset(raw: string | undefined): AccountPreset {
  if (raw === undefined || raw === '' || raw === 'configured') return 'configured';
  if (raw === 'fresh') return 'fresh';
  throw new Error(`EMULATOR_ACCOUNT: "configured" (default) or "fresh", got "${raw.slice(0, 40)}"`);
}
