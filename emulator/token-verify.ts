/**
 * Verifies a Twilio AccessToken the way Twilio's signaling gateway does, as a pure function of the
 * token, the account and the clock. Codes are the gateway's (31204 invalid, 31205 expired, 31207
 * lifetime too long); the Voice SDK turns 31204/31205 into its own AccessTokenInvalid (20101) and
 * AccessTokenExpired (20104) errors.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenAccount {
  accountSid: string;
  apiKeys: { sid: string; secret: string }[];
  applicationSids: string[];
}

export interface VerifiedToken {
  identity: string;
  accountSid: string;
  apiKeySid: string;
  issuedAt: number;
  expiresAt: number;
  incomingAllow: boolean;
  outgoingApplicationSid: string | null;
  /** Query-string parameters from the outgoing grant, merged into every outgoing call's webhook. */
  outgoingParams: Record<string, string>;
}

export type TokenError = { code: 31204 | 31205 | 31207; message: string };
export type TokenResult = { ok: true; token: VerifiedToken } | { ok: false; error: TokenError };

/** Twilio refuses AccessTokens valid for more than 24 hours. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

const HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function invalid(message: string): TokenResult {
  return { ok: false, error: { code: 31204, message } };
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function verifyAccessToken(jwt: unknown, account: TokenAccount, nowSeconds: number): TokenResult {
  if (typeof jwt !== 'string' || jwt.length === 0) return invalid('JWT is missing');
  const parts = jwt.split('.');
  if (parts.length !== 3) return invalid('JWT is malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (!isRecord(header) || !isRecord(payload)) return invalid('JWT is malformed');

  const hash = typeof header.alg === 'string' ? HASHES[header.alg] : undefined;
  if (!hash) return invalid(`JWT algorithm ${String(header.alg)} is not supported`);
  if (header.cty !== 'twilio-fpa;v=1') return invalid('JWT content type is not twilio-fpa;v=1');

  const keySid = typeof payload.iss === 'string' ? payload.iss : '';
  const key = account.apiKeys.find((k) => k.sid === keySid);
  if (!key) return invalid(`JWT issuer ${keySid || '(none)'} is not an API key of this account`);

  const expected = createHmac(hash, key.secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('JWT signature validation failed');
  }

  if (payload.sub !== account.accountSid) return invalid('JWT subject is not this account');
  if (typeof payload.exp !== 'number') return invalid('JWT has no expiry');
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  if (payload.exp - issuedAt > MAX_TOKEN_LIFETIME_SECONDS) {
    return { ok: false, error: { code: 31207, message: 'JWT token expiration too long' } };
  }
  if (typeof payload.nbf === 'number' && nowSeconds < payload.nbf) return invalid('JWT is not valid yet (nbf)');
  if (nowSeconds >= payload.exp) return { ok: false, error: { code: 31205, message: 'JWT Token Expired' } };

  const grants = isRecord(payload.grants) ? payload.grants : {};
  const identity = typeof grants.identity === 'string' ? grants.identity : '';
  if (!identity) return invalid('JWT has no identity grant');
  const voice = isRecord(grants.voice) ? grants.voice : undefined;
  if (!voice) return invalid('JWT has no voice grant');

  const incoming = isRecord(voice.incoming) ? voice.incoming : {};
  const outgoing = isRecord(voice.outgoing) ? voice.outgoing : undefined;
  let outgoingApplicationSid: string | null = null;
  let outgoingParams: Record<string, string> = {};
  if (outgoing) {
    if (typeof outgoing.application_sid !== 'string') return invalid('Voice grant has no outgoing application_sid');
    if (!account.applicationSids.includes(outgoing.application_sid)) {
      return invalid(`Application ${outgoing.application_sid} does not exist`);
    }
    outgoingApplicationSid = outgoing.application_sid;
    if (isRecord(outgoing.params)) {
      outgoingParams = Object.fromEntries(Object.entries(outgoing.params).map(([k, v]) => [k, String(v)]));
    }
  }

  return {
    ok: true,
    token: {
      identity,
      accountSid: account.accountSid,
      apiKeySid: key.sid,
      issuedAt,
      expiresAt: payload.exp,
      incomingAllow: incoming.allow === true,
      outgoingApplicationSid,
      outgoingParams,
    },
  };
}
