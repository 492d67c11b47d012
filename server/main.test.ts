import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Runs the composition root from an empty folder, so no developer .env leaks in. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', tsx, join(repo, 'server', 'main.ts')], {
    cwd: mkdtempSync(join(tmpdir(), 'softphone-main-')),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('server/main.ts with a bad configuration', () => {
  it.each([
    [{ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }, /^TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET, TWILIO_AUTH_TOKEN, TWIML_APP_SID, TWILIO_NUMBER: missing/],
    [{ PORT: 'eighty' }, /^PORT: a whole number from 1 to 65535/],
    [{ DIAL_ALLOWED_COUNTRIES: 'Narnia' }, /^DIAL_ALLOWED_COUNTRIES: /],
  ])('stops with exit code 1 and one line naming the variable (%o)', (env, line) => {
    const result = start(env);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(line);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
