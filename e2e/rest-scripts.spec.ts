/**
 * `npm run call` and `npm run sms` against the suite's running server, as a person would run them in a
 * second terminal: the call reaches a simulated phone that hears the words (the emulator keeps what each
 * phone is told by <Say>), the text lands in a phone's inbox byte for byte, and failures are one line.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectPhoneState, phone, phoneInbox, PHONES } from '../test-support/emulator-api';
import { E2E_DATA_DIR, E2E_PORT, localServerEnv, ROOT } from '../test-support/local-server';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One script run with the suite server's settings (its port and data folder), nothing from a .env. */
function script(name: 'call' | 'sms', args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, `server/cli/${name}-main.ts`), ...args], {
      cwd: ROOT,
      env: localServerEnv({ PORT: String(E2E_PORT), LOCAL_DATA_DIR: E2E_DATA_DIR }),
      timeout: 60_000,
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test.describe('REST scripts', () => {
  test('npm run call reaches a phone that hears the words, and a busy line fails with one line', async ({ request }) => {
    await expectPhoneState(request, PHONES.tone, 'idle');
    const words = `Your order ${Date.now() % 10_000} is ready for pickup`;
    // Two terminals at once: each script is a process of its own, mostly waiting for its call.
    const [run, busy] = await Promise.all([script('call', ['--to', PHONES.tone, '--say', words]), script('call', ['--to', PHONES.busy, '--say', 'Hello'])]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^CA[0-9a-f]{32} {2}completed: answered, the message was said/m);
    expect((await phone(request, PHONES.tone)).heard.says).toEqual([words]);

    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toMatch(/^call: CA[0-9a-f]{32} ended busy: the line was busy\.$/);
  });

  test('npm run sms lands in a phone’s inbox; a landline and a country not allowed fail with one line', async ({ request }) => {
    const body = `Reçu 受け取りました ✓ ${Date.now() % 10_000}`;
    const [run, landline, abroad] = await Promise.all([
      script('sms', ['--to', PHONES.echo, '--body', body]),
      script('sms', ['--to', PHONES.landline, '--body', 'Hello']),
      script('sms', ['--to', '+33612345678', '--body', 'Bonjour']),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SM[0-9a-f]{32} {2}delivered\.$/m);
    await expect.poll(async () => (await phoneInbox(request, PHONES.echo)).some((m) => m.body === body)).toBe(true);

    expect(landline.code).toBe(1);
    expect(landline.stderr.trim()).toMatch(/^sms: SM[0-9a-f]{32} failed: the number is a landline or cannot receive texts \(error 30006\)\.$/);

    expect(abroad.code).toBe(1);
    expect(abroad.stderr.trim()).toBe('sms: Texts to that country are not allowed from the team number (DIAL_ALLOWED_COUNTRIES).');
  });
});
