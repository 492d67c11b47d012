/** Which stored media URLs the server fetches with the account's key (only this account's, on the configured origin), and which types it shows. */
import { describe, expect, it } from 'vitest';
import { accountMediaUrl, pictureType } from './media';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const OTHER = `AC${'b'.repeat(32)}`;
const ORIGIN = 'https://api.twilio.com';
const PATH = (account: string) => `/2010-04-01/Accounts/${account}/Messages/MM${'1'.repeat(32)}/Media/ME${'2'.repeat(32)}`;

describe('accountMediaUrl', () => {
  it.each([
    [`${ORIGIN}${PATH(ACCOUNT)}`, `${ORIGIN}${PATH(ACCOUNT)}`],
    [`${ORIGIN}${PATH(ACCOUNT)}.json`, `${ORIGIN}${PATH(ACCOUNT)}`],
    [`https://API.twilio.com:443${PATH(ACCOUNT)}`, `${ORIGIN}${PATH(ACCOUNT)}`],
    [`https://evil.example${PATH(ACCOUNT)}`, undefined],
    [`https://api.twilio.com.evil.example${PATH(ACCOUNT)}`, undefined],
    [`http://api.twilio.com${PATH(ACCOUNT)}`, undefined],
    [`https://api.twilio.com:8443${PATH(ACCOUNT)}`, undefined],
    [`https://user:pw@api.twilio.com${PATH(ACCOUNT)}`, undefined],
    [`${ORIGIN}${PATH(OTHER)}`, undefined],
    [`${ORIGIN}${PATH(ACCOUNT)}?redirect=https://evil.example`, undefined],
    [`${ORIGIN}${PATH(ACCOUNT)}/../../../../Calls`, undefined],
    [`${ORIGIN}/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE${'3'.repeat(32)}`, undefined],
    ['https://169.254.169.254/latest/meta-data/', undefined],
    ['not a url', undefined],
    ['', undefined],
  ])('%s -> %s', (stored, expected) => {
    expect(accountMediaUrl(stored, ORIGIN, ACCOUNT)).toBe(expected);
  });

  it('uses the configured origin, so a local stand-in on its own port is accepted only there', () => {
    const local = 'https://127.0.0.1:4510';
    expect(accountMediaUrl(`${local}${PATH(ACCOUNT)}`, local, ACCOUNT)).toBe(`${local}${PATH(ACCOUNT)}`);
    expect(accountMediaUrl(`https://127.0.0.1:4511${PATH(ACCOUNT)}`, local, ACCOUNT)).toBeUndefined();
  });
});

describe('pictureType', () => {
  it.each([
    ['image/jpeg', 'image/jpeg'],
    ['IMAGE/PNG; charset=binary', 'image/png'],
    ['image/gif', 'image/gif'],
    ['image/webp', 'image/webp'],
    ['image/svg+xml', undefined],
    ['text/html', undefined],
    ['application/pdf', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (given, expected) => {
    expect(pictureType(given)).toBe(expected);
  });
});
