/**
 * Where a browser may call: a phone number normalised to E.164 with libphonenumber-js's full metadata
 * (needed to tell premium-rate numbers apart), inside the allowed countries, not premium-rate or shared-cost.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

export type BlockReason = 'empty' | 'invalid' | 'premium' | 'country';

export type Destination =
  | { ok: true; e164: string; country: CountryCode }
  | { ok: false; reason: BlockReason; message: string };

export interface DialPolicy {
  /** Region for numbers written without a country code: the team number's country. */
  defaultCountry: CountryCode;
  allowedCountries: readonly CountryCode[];
}

/** Short sentences for <Say>; fixed text, never built from the request. */
export const BLOCK_MESSAGES: Record<BlockReason, string> = {
  empty: 'Sorry, no number was dialed.',
  invalid: 'Sorry, that number is not valid. Please check it and try again.',
  premium: 'Sorry, calls to premium rate numbers are not allowed from this phone.',
  country: 'Sorry, calls to that country are not allowed from this phone.',
};

const DIALABLE = /^[+\d\s().\/-]{1,40}$/;
const CHARGED_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST']);

const block = (reason: BlockReason): Destination => ({ ok: false, reason, message: BLOCK_MESSAGES[reason] });

export function checkDestination(raw: string, policy: DialPolicy): Destination {
  const text = raw.trim();
  if (text === '') return block('empty');
  if (!DIALABLE.test(text)) return block('invalid');
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: policy.defaultCountry });
  if (!parsed || !parsed.isValid()) return block('invalid');
  const type = parsed.getType();
  if (type !== undefined && CHARGED_TYPES.has(type)) return block('premium');
  // Non-geographic numbers (+800, +881 …) have no country and are never in the allowed list.
  const country = parsed.country;
  if (country === undefined || !policy.allowedCountries.includes(country)) return block('country');
  return { ok: true, e164: parsed.number, country };
}

/** E.164 for a number Twilio sent us (From/To of a phone call), or undefined if it is not one. */
export function asE164(raw: string | undefined): string | undefined {
  if (raw === undefined || !/^\+[1-9]\d{6,14}$/.test(raw)) return undefined;
  return parsePhoneNumberFromString(raw)?.number;
}
