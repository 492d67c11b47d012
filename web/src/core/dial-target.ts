import type { CountryCode } from 'libphonenumber-js/min';
import type { PhoneLib } from './phone-lib';

export interface DialRules {
  colleagues: readonly string[];
  /** ISO country for numbers typed without `+` (from the team number). */
  defaultCountry: string;
  allowedCountries: readonly string[];
  /** Emergency numbers (from /api/config), and whether this phone dials them. */
  emergency?: { calling: boolean; numbers: readonly string[] };
}

/** Before /api/config says otherwise: the numbers phones treat as emergency numbers everywhere, not dialed. */
export const DEFAULT_EMERGENCY: { calling: boolean; numbers: readonly string[] } = { calling: false, numbers: ['112', '911'] };

export type DialCheck =
  | { kind: 'empty' }
  | { kind: 'colleague'; name: string; target: string }
  | { kind: 'number'; target: string; country: string | undefined }
  | { kind: 'invalid'; problem: 'tooShort' | 'tooLong' | 'invalid' | 'unknownName' }
  | { kind: 'notAllowed'; country: string }
  | { kind: 'emergency'; number: string; calling: boolean };

const NAME_CHARS = /[a-z]/i;

/** Keeps what a person can dial: digits, `+` at the start, letters for names, `*` and `#`. */
export function sanitizeDialInput(raw: string): string {
  const trimmed = raw.trim();
  if (NAME_CHARS.test(trimmed.replace(/^client:/i, '').replace(/[^a-z]/gi, '')) && !/^\+?[\d\s().-]+$/.test(trimmed)) {
    return trimmed.replace(/[^\w.:@-]/g, '');
  }
  const plus = trimmed.startsWith('+') ? '+' : '';
  return plus + trimmed.replace(/[^\d*#]/g, '');
}

export function isNameInput(input: string): boolean {
  return NAME_CHARS.test(input);
}

/** Colleagues whose name starts with (or contains) what was typed, best matches first. */
export function matchColleagues(input: string, colleagues: readonly string[]): string[] {
  const q = input.replace(/^client:/i, '').trim().toLowerCase();
  if (!q || !isNameInput(q)) return [];
  const starts = colleagues.filter((c) => c.toLowerCase().startsWith(q));
  const contains = colleagues.filter((c) => !starts.includes(c) && c.toLowerCase().includes(q));
  return [...starts, ...contains];
}

/** Decides whether (and what) to dial; every "no" carries a reason the dial pad shows inline. */
export function checkDialInput(raw: string, rules: DialRules, lib: PhoneLib): DialCheck {
  const input = sanitizeDialInput(raw);
  if (!input) return { kind: 'empty' };
  if (isNameInput(input)) {
    const name = input.replace(/^client:/i, '').toLowerCase();
    const found = rules.colleagues.find((c) => c.toLowerCase() === name);
    return found ? { kind: 'colleague', name: found, target: `client:${found}` } : { kind: 'invalid', problem: 'unknownName' };
  }
  // Emergency numbers are short codes the number library calls invalid; they get a sentence of their own.
  const emergency = rules.emergency ?? DEFAULT_EMERGENCY;
  if (/^\d{2,5}$/.test(input) && emergency.numbers.includes(input)) return { kind: 'emergency', number: input, calling: emergency.calling };
  const country = rules.defaultCountry as CountryCode;
  const parsed = lib.parsePhoneNumberFromString(input, country);
  if (!parsed || !parsed.isValid()) {
    const length = lib.validatePhoneNumberLength(input, country);
    if (length === 'TOO_SHORT') return { kind: 'invalid', problem: 'tooShort' };
    if (length === 'TOO_LONG') return { kind: 'invalid', problem: 'tooLong' };
    return { kind: 'invalid', problem: 'invalid' };
  }
  const numberCountry = parsed.country;
  if (!numberCountry || !rules.allowedCountries.includes(numberCountry)) {
    return { kind: 'notAllowed', country: numberCountry ?? `+${parsed.countryCallingCode}` };
  }
  return { kind: 'number', target: parsed.number, country: numberCountry };
}

/** Formats a partly typed number the way it is written in its country. */
export function formatAsTyped(raw: string, defaultCountry: string, lib: PhoneLib): string {
  const input = sanitizeDialInput(raw);
  if (!input || isNameInput(input) || /[*#]/.test(input)) return input;
  return new lib.AsYouType(defaultCountry as CountryCode).input(input);
}

export type PeerDisplay = { kind: 'colleague'; name: string } | { kind: 'number'; text: string };

/** How to show who is calling: a colleague's name, or the number in its usual format. */
export function describePeer(peer: string, defaultCountry: string, lib: PhoneLib | null): PeerDisplay {
  if (peer.startsWith('client:')) return { kind: 'colleague', name: peer.slice('client:'.length) };
  if (!peer.startsWith('+') && isNameInput(peer)) return { kind: 'colleague', name: peer };
  const parsed = lib?.parsePhoneNumberFromString(peer, defaultCountry as CountryCode);
  if (!parsed) return { kind: 'number', text: peer };
  return { kind: 'number', text: parsed.country === defaultCountry ? parsed.formatNational() : parsed.formatInternational() };
}

/** The ISO country of the team number, used as the default for typed numbers. */
export function countryOfNumber(e164: string, lib: PhoneLib): string | undefined {
  return lib.parsePhoneNumberFromString(e164)?.country;
}
