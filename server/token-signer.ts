/**
 * Voice AccessTokens signed with node:crypto. The twilio helper (`AccessToken#toJwt`, via jsonwebtoken)
 * spends most of its ~0.3–1 ms per token trying to read the API key secret as a PEM private key before
 * falling back to an HMAC key; this signer prepares the key and the constant header once and produces
 * the same bytes: header `{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}` and claims in the helper's
 * order `jti, grants{identity, voice{incoming, outgoing}}, iat, exp, iss, sub`, HMAC-SHA256 with the
 * secret's UTF-8 bytes. token-signer.test.ts checks byte equality with the helper across generated inputs.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface VoiceTokenIssuer {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
}

export type VoiceTokenSigner = (identity: string, nowMs?: number) => string;

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' }), 'latin1').toString('base64url');

export function voiceTokenSigner(issuer: VoiceTokenIssuer, ttlSeconds: number): VoiceTokenSigner {
  if (!issuer.apiKeySecret) throw new Error('the API key secret is empty');
  const key: KeyObject = createSecretKey(Buffer.from(issuer.apiKeySecret, 'utf8'));
  const voice = { incoming: { allow: true }, outgoing: { application_sid: issuer.twimlAppSid } };
  return (identity, nowMs = Date.now()) => {
    const now = Math.floor(nowMs / 1000);
    const claims = {
      jti: `${issuer.apiKeySid}-${now}`,
      grants: { identity, voice },
      iat: now,
      exp: now + ttlSeconds,
      iss: issuer.apiKeySid,
      sub: issuer.accountSid,
    };
    const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
    return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
  };
}
