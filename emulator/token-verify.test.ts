import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { verifyAccessToken, type TokenAccount } from './token-verify';

const ACCOUNT_SID = 'AC' + '1'.repeat(32);
const KEY_SID = 'SK' + '2'.repeat(32);
const KEY_SECRET = 'secret-of-the-key';
const APP_SID = 'AP' + '3'.repeat(32);
const account: TokenAccount = {
  accountSid: ACCOUNT_SID,
  apiKeys: [{ sid: KEY_SID, secret: KEY_SECRET }],
  applicationSids: [APP_SID],
};

function helperToken(opts: {
  keySid?: string; secret?: string; accountSid?: string; ttl?: number; nbf?: number;
  appSid?: string | null; incoming?: boolean; identity?: string; params?: Record<string, string>;
} = {}): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(opts.accountSid ?? ACCOUNT_SID, opts.keySid ?? KEY_SID, opts.secret ?? KEY_SECRET, {
    identity: opts.identity ?? 'alice',
    ttl: opts.ttl ?? 600,
    ...(opts.nbf !== undefined ? { nbf: opts.nbf } : {}),
  });
  const grantOpts: Record<string, unknown> = { incomingAllow: opts.incoming ?? true };
  if (opts.appSid !== null) grantOpts.outgoingApplicationSid = opts.appSid ?? APP_SID;
  if (opts.params) grantOpts.outgoingApplicationParams = opts.params;
  token.addGrant(new AccessToken.VoiceGrant(grantOpts));
  return token.toJwt();
}

function iatOf(jwt: string): number {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).iat;
}

/** Builds a token by hand, for shapes the helper library refuses to produce. */
function handToken(header: object, payload: object, secret = KEY_SECRET): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}

describe('verifyAccessToken', () => {
  it('accepts a token from the twilio helper and reads identity, lifetime and grants', () => {
    const jwt = helperToken({ params: { team: 'blue' } });
    const now = iatOf(jwt) + 1;
    const result = verifyAccessToken(jwt, account, now);
    expect(result).toEqual({
      ok: true,
      token: {
        identity: 'alice', accountSid: ACCOUNT_SID, apiKeySid: KEY_SID, issuedAt: now - 1, expiresAt: now - 1 + 600,
        incomingAllow: true, outgoingApplicationSid: APP_SID, outgoingParams: { team: 'blue' },
      },
    });
  });

  const base = helperToken();
  const iat = iatOf(base);
  const cases: { name: string; jwt: unknown; now?: number; code: number; message: RegExp }[] = [
    { name: 'missing', jwt: undefined, code: 31204, message: /missing/ },
    { name: 'not a JWT', jwt: 'abc.def', code: 31204, message: /malformed/ },
    { name: 'garbage parts', jwt: 'a.b.c', code: 31204, message: /malformed/ },
    { name: 'wrong secret', jwt: helperToken({ secret: 'other' }), code: 31204, message: /signature/ },
    { name: 'unknown key', jwt: helperToken({ keySid: 'SK' + '9'.repeat(32) }), code: 31204, message: /issuer/ },
    { name: 'other account', jwt: helperToken({ accountSid: 'AC' + '8'.repeat(32) }), code: 31204, message: /subject/ },
    { name: 'expired', jwt: base, now: iat + 600, code: 31205, message: /Expired/ },
    { name: 'long expired', jwt: base, now: iat + 99999, code: 31205, message: /Expired/ },
    { name: 'not yet valid', jwt: helperToken({ nbf: iat + 100 }), now: iat + 1, code: 31204, message: /nbf/ },
    { name: 'lifetime over 24 h', jwt: helperToken({ ttl: 86401 }), code: 31207, message: /too long/ },
    { name: 'unknown application', jwt: helperToken({ appSid: 'AP' + '7'.repeat(32) }), code: 31204, message: /does not exist/ },
    { name: 'tampered payload', jwt: base.replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ iss: KEY_SID, sub: ACCOUNT_SID, exp: iat + 9, grants: { identity: 'mallory', voice: {} } })).toString('base64url')}.`), code: 31204, message: /signature/ },
    { name: 'alg none', jwt: handToken({ alg: 'none', cty: 'twilio-fpa;v=1' }, { iss: KEY_SID }), code: 31204, message: /algorithm/ },
    { name: 'no cty', jwt: handToken({ alg: 'HS256', typ: 'JWT' }, { iss: KEY_SID }), code: 31204, message: /content type/ },
    { name: 'no identity', jwt: handToken({ alg: 'HS256', cty: 'twilio-fpa;v=1' }, { iss: KEY_SID, sub: ACCOUNT_SID, iat, exp: iat + 60, grants: { voice: {} } }), code: 31204, message: /identity/ },
    { name: 'no voice grant', jwt: handToken({ alg: 'HS256', cty: 'twilio-fpa;v=1' }, { iss: KEY_SID, sub: ACCOUNT_SID, iat, exp: iat + 60, grants: { identity: 'a' } }), code: 31204, message: /voice grant/ },
    { name: 'no exp', jwt: handToken({ alg: 'HS256', cty: 'twilio-fpa;v=1' }, { iss: KEY_SID, sub: ACCOUNT_SID, grants: { identity: 'a', voice: {} } }), code: 31204, message: /expiry/ },
  ];
  it.each(cases)('rejects $name with $code', ({ jwt, now, code, message }) => {
    const result = verifyAccessToken(jwt, account, now ?? iat + 1);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
    }
  });

  it('accepts a token just before expiry and a token whose nbf has passed', () => {
    expect(verifyAccessToken(base, account, iat + 599).ok).toBe(true);
    expect(verifyAccessToken(helperToken({ nbf: iat }), account, iat).ok).toBe(true);
  });

  it('accepts an incoming-only token and reports no outgoing application', () => {
    const result = verifyAccessToken(helperToken({ appSid: null }), account, iat + 1);
    expect(result.ok && result.token.outgoingApplicationSid).toBe(null);
    expect(result.ok && result.token.incomingAllow).toBe(true);
  });
});
