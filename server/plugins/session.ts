/**
 * Stateless sessions: the signed-in identity lives in an encrypted, authenticated cookie
 * (@fastify/secure-session), so any replica holding SESSION_SECRET can read it. Idle and absolute expiry
 * are stored inside the cookie because the cookie's own Max-Age is only advice to the browser.
 */
import { hkdfSync } from 'node:crypto';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** identity */
    u: string;
    /** created, epoch seconds */
    c: number;
    /** last seen, epoch seconds */
    s: number;
  }
}

export const SESSION_IDLE_SECONDS = 12 * 3600;
export const SESSION_MAX_SECONDS = 7 * 24 * 3600;
/** Re-issue the cookie (sliding the idle window) at most this often. */
const REFRESH_AFTER_SECONDS = 300;

export function sessionCookieName(secure: boolean): string {
  // The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and Path=/.
  return secure ? '__Host-softphone_session' : 'softphone_session';
}

/** A 32-byte secretbox key from SESSION_SECRET, the same on every replica. */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'softphone', 'session cookie v1', 32));
}

export async function registerSession(app: FastifyInstance, config: AppConfig): Promise<void> {
  const secure = new URL(config.publicBaseUrl).protocol === 'https:';
  await app.register(secureSession, {
    key: sessionKey(config.sessionSecret),
    cookieName: sessionCookieName(secure),
    expiry: SESSION_MAX_SECONDS,
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_IDLE_SECONDS },
  });
}

const now = () => Math.floor(Date.now() / 1000);

/** The signed-in identity, or undefined; slides the idle expiry on use. */
export function currentIdentity(request: FastifyRequest, knownUsers: readonly string[]): string | undefined {
  const session = request.session;
  const identity = session.get('u');
  const created = session.get('c');
  const seen = session.get('s');
  if (typeof identity !== 'string' || typeof created !== 'number' || typeof seen !== 'number') return undefined;
  const t = now();
  // A user removed from SOFTPHONE_USERS is signed out everywhere at the next request.
  if (!knownUsers.includes(identity) || t - created > SESSION_MAX_SECONDS || t - seen > SESSION_IDLE_SECONDS) {
    session.delete();
    return undefined;
  }
  if (t - seen > REFRESH_AFTER_SECONDS) session.set('s', t);
  return identity;
}

export function startSession(request: FastifyRequest, identity: string): void {
  const t = now();
  request.session.regenerate();
  request.session.set('u', identity);
  request.session.set('c', t);
  request.session.set('s', t);
}

export function endSession(request: FastifyRequest): void {
  request.session.delete();
}
