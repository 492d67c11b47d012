/**
 * Password hashes for SOFTPHONE_USERS: scrypt from node:crypto. The format
 * `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>` carries its own parameters (so they can be
 * raised later without breaking old hashes) and contains no `:` or `,`, the separators of SOFTPHONE_USERS.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s per hash on a small server. */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const HASH_PATTERN = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const m = HASH_PATTERN.exec(hash);
  if (!m) return undefined;
  const log2N = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // Bounds keep a mistyped hash from asking for gigabytes of memory at sign-in.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const key = Buffer.from(m[5]!, 'base64url');
  if (key.length !== KEY_LENGTH) return undefined;
  return { log2N, r, p, salt: Buffer.from(m[4]!, 'base64url'), key };
}

/** The cost parameters a hash was made with, or undefined if it is not one of ours. */
export function hashParams(hash: string): ScryptParams | undefined {
  const parsed = parseHash(hash);
  return parsed && { log2N: parsed.log2N, r: parsed.r, p: parsed.p };
}

export function isPasswordHash(hash: string): boolean {
  return parseHash(hash) !== undefined;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * params.p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `scrypt$${params.log2N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time comparison of the derived key; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}
