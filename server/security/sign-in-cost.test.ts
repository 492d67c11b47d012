/**
 * A wrong user name must cost what a wrong password costs, or the answer time tells which names exist:
 * the decoy hash checked for unknown names is made with the users' own scrypt parameters.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashParams, hashPassword } from '../password';
import { decoyParams } from '../users';

describe('decoy hash parameters', () => {
  it.each([
    ['no users with hashes (demo users get the default)', [], DEFAULT_SCRYPT],
    ['cheap hashes', [{ log2N: 10, r: 8, p: 1 }], { log2N: 10, r: 8, p: 1 }],
    ['expensive hashes', [{ log2N: 14, r: 8, p: 2 }], { log2N: 14, r: 8, p: 2 }],
    ['several users: the first hash sets the cost', [{ log2N: 12, r: 8, p: 1 }, { log2N: 15, r: 8, p: 1 }], { log2N: 12, r: 8, p: 1 }],
  ])('%s', async (_name, made, expected) => {
    const hashes = await Promise.all(made.map((params) => hashPassword('pw', params)));
    expect(decoyParams(hashes)).toEqual(expected);
    if (hashes[0]) expect(hashParams(hashes[0])).toEqual(expected);
  });

  it('skips something that is not a hash', async () => {
    expect(decoyParams(['not-a-hash', await hashPassword('pw', { log2N: 11, r: 8, p: 1 })])).toEqual({ log2N: 11, r: 8, p: 1 });
  });
});
