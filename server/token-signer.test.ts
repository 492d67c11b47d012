import { createRequire } from 'node:module';
import fc from 'fast-check';
import twilio from 'twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { voiceTokenSigner } from './token-signer';
import type { VoiceTokenIssuer } from './token-signer';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, TWIML_APP_SID } from '../test-support/server-fixtures';

const { AccessToken } = twilio.jwt;

/** What the route used to do, and what Twilio's documentation shows. */
function helperToken(issuer: VoiceTokenIssuer, ttl: number, identity: string): string {
  const token = new AccessToken(issuer.accountSid, issuer.apiKeySid, issuer.apiKeySecret, { identity, ttl });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: issuer.twimlAppSid, incomingAllow: true }));
  return token.toJwt();
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

const issuer: VoiceTokenIssuer = { accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiKeySecret: API_KEY_SECRET, twimlAppSid: TWIML_APP_SID };
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const issuers = fc.record({
  accountSid: hex32.map((h) => `AC${h}`),
  apiKeySid: hex32.map((h) => `SK${h}`),
  apiKeySecret: fc.stringMatching(/^[A-Za-z0-9]{16,64}$/),
  twimlAppSid: hex32.map((h) => `AP${h}`),
});
// Real identities are user names; the signer must still match the helper for anything, quotes and emoji included.
const identities = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9._-]{0,31}$/), fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }));
// From 2001 to 2100, with milliseconds, so second boundaries are crossed.
const times = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 });
const ttls = fc.integer({ min: 60, max: 86_400 });

afterEach(() => {
  vi.useRealTimers();
});

describe('voiceTokenSigner', () => {
  it('produces the twilio helper’s exact bytes for the same inputs and time', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let runs = 0;
    fc.assert(
      fc.property(issuers, identities, times, ttls, (iss, identity, now, ttl) => {
        vi.setSystemTime(now);
        const expected = helperToken(iss, ttl, identity);
        const actual = voiceTokenSigner(iss, ttl)(identity);
        const [eh, ep, es] = expected.split('.') as [string, string, string];
        const [ah, ap, as] = actual.split('.') as [string, string, string];
        // Field by field first, so that a difference reads as one.
        expect(decode(ah)).toEqual(decode(eh));
        expect(Object.keys(decode(ah))).toEqual(Object.keys(decode(eh)));
        expect(decode(ap)).toEqual(decode(ep));
        expect(Object.keys(decode(ap))).toEqual(Object.keys(decode(ep)));
        expect(as).toBe(es);
        expect(actual).toBe(expected);
        runs++;
      }),
      { numRuns: 300 },
    );
    console.log(`token signer: ${runs} generated issuers/identities/times/TTLs, byte-identical to twilio AccessToken`);
  });

  it('takes the time from its argument when given', () => {
    const sign = voiceTokenSigner(issuer, 600);
    const claims = decode(sign('alice', 1_700_000_000_999).split('.')[1]!);
    expect(claims).toEqual({
      jti: `${API_KEY_SID}-1700000000`,
      grants: { identity: 'alice', voice: { incoming: { allow: true }, outgoing: { application_sid: TWIML_APP_SID } } },
      iat: 1_700_000_000,
      exp: 1_700_000_600,
      iss: API_KEY_SID,
      sub: ACCOUNT_SID,
    });
  });

  it('is verified by the key and rejected by another key', () => {
    const token = voiceTokenSigner(issuer, 3600)('bob');
    const jwt = jsonwebtoken();
    expect(jwt.verify(token, API_KEY_SECRET, { algorithms: ['HS256'] })).toMatchObject({ grants: { identity: 'bob' } });
    expect(() => jwt.verify(token, `${API_KEY_SECRET}x`, { algorithms: ['HS256'] })).toThrow(/signature/);
  });

  it('refuses an empty secret, like the helper', () => {
    expect(() => voiceTokenSigner({ ...issuer, apiKeySecret: '' }, 3600)).toThrow(/secret/);
  });
});

/** The verifier the helper library itself uses: a dependency of twilio, resolved from there. */
function jsonwebtoken(): { verify(token: string, key: string, options: { algorithms: string[] }): unknown } {
  const requireFromTwilio = createRequire(createRequire(import.meta.url).resolve('twilio'));
  return requireFromTwilio('jsonwebtoken');
}
