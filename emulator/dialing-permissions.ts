/**
 * Voice geographic permissions: which countries the account may call, per risk class, as Twilio keeps
 * them (Console → Voice → Settings → Geo permissions; REST /v1/DialingPermissions/Countries). A new
 * account may call low-risk numbers in the US and Canada only.
 */
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/min';

export interface CountryPermission {
  isoCode: string;
  name: string;
  continent: string;
  /** Calling codes with a +, e.g. ["+1"]. */
  countryCodes: string[];
  lowRiskNumbersEnabled: boolean;
  highRiskSpecialNumbersEnabled: boolean;
  highRiskTollfraudNumbersEnabled: boolean;
}

export type PermissionUpdate = Partial<Pick<CountryPermission, 'lowRiskNumbersEnabled' | 'highRiskSpecialNumbersEnabled' | 'highRiskTollfraudNumbersEnabled'>>;

export const NEW_ACCOUNT_COUNTRIES = ['US', 'CA'];

/** Continent from the ITU world numbering zone of the calling code, with the zones' exceptions. */
export function continentOf(iso: string, callingCode: string): string {
  const exceptions: Record<string, string> = {
    MX: 'NORTH_AMERICA', CU: 'NORTH_AMERICA', GT: 'NORTH_AMERICA', BZ: 'NORTH_AMERICA', SV: 'NORTH_AMERICA', HN: 'NORTH_AMERICA',
    NI: 'NORTH_AMERICA', CR: 'NORTH_AMERICA', PA: 'NORTH_AMERICA', HT: 'NORTH_AMERICA', PM: 'NORTH_AMERICA', GL: 'NORTH_AMERICA',
    GP: 'NORTH_AMERICA', MQ: 'NORTH_AMERICA', BL: 'NORTH_AMERICA', MF: 'NORTH_AMERICA', AW: 'SOUTH_AMERICA', FO: 'EUROPE',
    AU: 'OCEANIA', NZ: 'OCEANIA', CX: 'OCEANIA', CC: 'OCEANIA', NF: 'OCEANIA', KZ: 'ASIA', TR: 'EUROPE', SH: 'AFRICA', TA: 'AFRICA',
  };
  if (exceptions[iso]) return exceptions[iso]!;
  const zone = callingCode[0];
  if (zone === '1') return 'NORTH_AMERICA';
  if (zone === '2') return 'AFRICA';
  if (zone === '3' || zone === '4' || zone === '7') return 'EUROPE';
  if (zone === '5') return 'SOUTH_AMERICA';
  if (zone === '6') return /^6[789]/.test(callingCode) ? 'OCEANIA' : 'ASIA';
  return 'ASIA';
}

export class DialingPermissions {
  private readonly countries = new Map<string, CountryPermission>();

  constructor(enabled: readonly string[] = NEW_ACCOUNT_COUNTRIES) {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const iso of getCountries()) {
      const code = getCountryCallingCode(iso as CountryCode);
      this.countries.set(iso, {
        isoCode: iso,
        name: names.of(iso) ?? iso,
        continent: continentOf(iso, code),
        countryCodes: [`+${code}`],
        lowRiskNumbersEnabled: enabled.includes(iso),
        highRiskSpecialNumbersEnabled: false,
        highRiskTollfraudNumbersEnabled: false,
      });
    }
  }

  /** By ISO code. */
  list(): CountryPermission[] {
    return [...this.countries.values()].sort((a, b) => a.isoCode.localeCompare(b.isoCode));
  }

  get(isoCode: string): CountryPermission | undefined {
    return this.countries.get(isoCode.toUpperCase());
  }

  /** Returns false for an unknown country. */
  update(isoCode: string, update: PermissionUpdate): boolean {
    const country = this.get(isoCode);
    if (!country) return false;
    Object.assign(country, update);
    return true;
  }

  enabledCountries(): string[] {
    return this.list().filter((c) => c.lowRiskNumbersEnabled).map((c) => c.isoCode);
  }

  disableAll(): void {
    for (const c of this.countries.values()) Object.assign(c, { lowRiskNumbersEnabled: false, highRiskSpecialNumbersEnabled: false, highRiskTollfraudNumbersEnabled: false });
  }
}
