/**
 * The `.env` file set-up writes: values merged into the file as it is (comments, order and every other
 * line kept), written atomically with mode 600 because it holds the account's secrets. The merge is pure;
 * reading and writing are the two functions at the bottom.
 */
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { parse } from 'dotenv';

/** How dotenv reads it back unchanged: bare when safe, else in single quotes (taken literally). */
export function envValue(value: string): string {
  if (/^[A-Za-z0-9_.,:\/@+$=-]*$/.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return JSON.stringify(value);
}

const assignment = (name: string) => new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`);

/**
 * `text` with each variable in `updates` set: an existing assignment is replaced where it stands (the
 * first one; dotenv reads the first), a new one is appended under a comment saying where it came from.
 */
export function mergeEnv(text: string, updates: Record<string, string>): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const appended: string[] = [];
  for (const [name, value] of Object.entries(updates)) {
    const line = `${name}=${envValue(value)}`;
    const index = lines.findIndex((l) => assignment(name).test(l));
    if (index >= 0) lines[index] = line;
    else appended.push(line);
  }
  if (appended.length > 0) {
    if (lines.length > 0 && lines.at(-1) !== '') lines.push('');
    lines.push('# Written by `npm run setup`', ...appended);
  }
  return `${lines.join('\n')}\n`;
}

export interface EnvFile {
  path: string;
  /** undefined: the file does not exist yet. */
  text: string | undefined;
  values: Record<string, string>;
  /** Permission bits, when it exists. */
  mode: number | undefined;
}

export async function readEnvFile(path: string): Promise<EnvFile> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { path, text, values: parse(text), mode: info.mode & 0o777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, text: undefined, values: {}, mode: undefined };
    throw err;
  }
}

/** Writes beside it and renames, so a crash never leaves half a file; the secrets stay readable by the owner only. */
export async function writeEnvFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

export async function restrictEnvFile(path: string): Promise<void> {
  await chmod(path, 0o600);
}
