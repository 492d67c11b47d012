/**
 * Emergency numbers, and whether this phone dials them. A browser softphone is a poor emergency phone
 * (no location, the laptop may be asleep), so by default it says so and points to another phone. With
 * EMERGENCY_CALLING=on it dials them through Twilio, exempt from the country allow-list, as long as the
 * team number has an emergency address registered (Twilio passes that address to the emergency service).
 *
 * Which numbers: 112 and 911, which mobile phones treat as emergency numbers everywhere, and the
 * emergency and rescue numbers of the team number's country. The browser gets the same list through
 * /api/config, so the dial pad and the webhook never disagree.
 */
import type { CountryCode } from 'libphonenumber-js/max';

export const UNIVERSAL_EMERGENCY_NUMBERS = ['112', '911'] as const;

/** Police, fire, ambulance and rescue numbers by country (national short codes). */
const BY_COUNTRY: Partial<Record<CountryCode, readonly string[]>> = {
  US: ['911'], CA: ['911'], MX: ['911'], PR: ['911'], PH: ['911'],
  GB: ['999'], IE: ['999'], HK: ['999'], MO: ['999'], MY: ['999'], SG: ['995', '999'],
  FR: ['15', '17', '18', '114', '115', '119', '191', '196', '197'],
  DE: ['110'], AT: ['122', '133', '140', '141', '144'], CH: ['117', '118', '144', '1414'],
  IT: ['113', '115', '118'], ES: ['061', '080', '085', '091', '092'], BE: ['100', '101'],
  NO: ['110', '113'], PL: ['997', '998', '999'], CZ: ['150', '155', '158'], GR: ['100', '166', '199'],
  RU: ['101', '102', '103', '104'], UA: ['101', '102', '103', '104'], BY: ['101', '102', '103', '104'],
  JP: ['110', '118', '119'], TW: ['110', '119'], CN: ['110', '119', '120', '122'], KR: ['119'],
  AU: ['000', '106'], NZ: ['111'], IN: ['100', '101', '102', '108'], ZA: ['10111', '10177'],
  BR: ['190', '192', '193'], AR: ['100', '101', '107'], IL: ['100', '101', '102'], TR: ['110', '155', '156'],
};

/** Every number this phone treats as an emergency number when the team number is in `country`. */
export function emergencyNumbers(country: CountryCode): string[] {
  return [...new Set([...UNIVERSAL_EMERGENCY_NUMBERS, ...(BY_COUNTRY[country] ?? [])])].sort();
}

/** The emergency number that was dialed (spaces and dashes aside), or undefined if it is not one. */
export function emergencyNumberIn(dialed: string, numbers: readonly string[]): string | undefined {
  const digits = dialed.replace(/[\s().-]/g, '');
  return /^\d{2,5}$/.test(digits) && numbers.includes(digits) ? digits : undefined;
}

/**
 * Whether emergency numbers are dialed right now: what EMERGENCY_CALLING says, until the start-up check
 * learns from Twilio that the team number has no registered emergency address.
 */
export class EmergencyCalling {
  private off: string | undefined;

  constructor(private readonly configured: boolean) {}

  get on(): boolean {
    return this.configured && this.off === undefined;
  }

  /** Why it is off although configured on, if it is. */
  get reason(): string | undefined {
    return this.configured ? this.off : undefined;
  }

  /** Stops dialing emergency numbers; the dial pad tells people to use another phone instead. */
  disable(reason: string): void {
    this.off = reason;
  }
}
