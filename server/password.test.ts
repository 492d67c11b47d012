import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from './password';

const cheap = { log2N: 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', cheap), hashPassword('same', cheap)]);
    expect(a).not.toBe(b);
  });

  it('uses a format that fits into SOFTPHONE_USERS', async () => {
    const hash = await hashPassword('pässwörd', cheap);
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(hash).not.toMatch(/[:,\s]/);
    expect(isPasswordHash(hash)).toBe(true);
  });

  it('treats Unicode normalisation forms alike', async () => {
    const hash = await hashPassword('caf\u00e9', cheap);
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['plain text', 'secret'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuu4Xo6jE3hO1bJqZ2W0vT4cJ9bQ6m5i3a'],
    ['absurd cost', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['short key', 'scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
  ])('rejects a malformed hash (%s)', async (_name, hash) => {
    expect(isPasswordHash(hash)).toBe(false);
    expect(await verifyPassword('anything', hash)).toBe(false);
  });
});
