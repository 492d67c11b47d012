import { randomBytes } from 'node:crypto';

/** Twilio resource SIDs: a two-letter prefix and 32 lowercase hex digits. */
export function newSid(prefix: 'CA' | 'SM' | 'MM' | 'ME' | 'MG' | 'PN' | 'EV' | 'KE' | 'SK' | 'AP' | 'NO' | 'AD' | 'CF' | 'RE'): string {
  return prefix + randomBytes(16).toString('hex');
}

export function isSid(value: string, prefix: string): boolean {
  return new RegExp(`^${prefix}[0-9a-f]{32}$`).test(value);
}
