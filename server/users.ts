/**
 * Who may sign in. Every attempt costs one scrypt derivation, also for unknown names, so the response
 * time does not reveal which user names exist.
 */
import type { AppConfig } from './config';
import { DEFAULT_SCRYPT, hashParams, hashPassword, verifyPassword } from './password';
import type { ScryptParams } from './password';

export interface UserDirectory {
  names: readonly string[];
  /** The identity for a correct name and password, otherwise undefined. */
  verify(username: string, password: string): Promise<string | undefined>;
  colleaguesOf(identity: string): string[];
}

/**
 * The cost of the decoy hash checked for unknown names: that of the users' own hashes, so that a wrong
 * name takes as long as a wrong password (a decoy made with the default cost would answer unknown names
 * slower or faster than known ones whenever the hashes were made with other parameters).
 */
export function decoyParams(hashes: readonly string[]): ScryptParams {
  for (const hash of hashes) {
    const params = hashParams(hash);
    if (params) return params;
  }
  return DEFAULT_SCRYPT;
}

export async function createUserDirectory(config: Pick<AppConfig, 'users' | 'demoPassword'>): Promise<UserDirectory> {
  const hashes = new Map<string, string>();
  const demoHash = config.demoPassword === undefined ? undefined : await hashPassword(config.demoPassword);
  for (const user of config.users) {
    const hash = user.passwordHash ?? demoHash;
    if (hash === undefined) throw new Error(`user "${user.name}" has no password hash`);
    hashes.set(user.name, hash);
  }
  const decoy = await hashPassword('decoy password for unknown users', decoyParams([...hashes.values()]));
  const names = config.users.map((u) => u.name);
  return {
    names,
    async verify(username, password) {
      const name = username.trim().toLowerCase();
      const hash = hashes.get(name);
      const ok = await verifyPassword(password, hash ?? decoy);
      return ok && hash !== undefined ? name : undefined;
    },
    colleaguesOf(identity) {
      return names.filter((n) => n !== identity);
    },
  };
}
