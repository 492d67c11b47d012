import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test-support/local-server';
import { twilioConfig, twilioEnv, softphoneUsers, ACCOUNT_SID, API_KEY_SID, TWIML_APP_SID, TEAM_NUMBER, PUBLIC_BASE_URL } from '../../test-support/server-fixtures';
import { EmergencyCalling } from '../voice/emergency';
import type { AccountFacts } from './account-facts';
import { runStartChecks } from './start-checks';

const ok = <T>(value: T) => ({ ok: true as const, value });

function recorder() {
  const lines: { level: 'info' | 'warn'; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

const goodFacts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  account: ok({ sid: ACCOUNT_SID, friendlyName: 'Team', status: 'active' }),
  clock: { localMs: Date.now(), twilioDate: new Date().toUTCString() },
  apiKey: { exists: ok(true), secretWorks: ok(true) },
  application: ok({ sid: TWIML_APP_SID, friendlyName: 'x', voiceUrl: 'https://phone.example.com/handle_calls', voiceMethod: 'POST', statusCallback: 'https://phone.example.com/handle_calls/status', statusCallbackMethod: 'POST' }),
  number: ok({ sid: 'PN1', phoneNumber: TEAM_NUMBER, voiceApplicationSid: TWIML_APP_SID, voiceUrl: null, voiceMethod: 'POST', smsUrl: `${PUBLIC_BASE_URL}/handle_sms`, smsMethod: 'POST', emergencyAddressSid: null, emergencyAddressStatus: 'unregistered' }),
  alerts: ok([]),
  countries: ok({ US: true }),
  ...over,
});

describe('runStartChecks', () => {
  it('logs one info line when everything passes', async () => {
    const log = recorder();
    await runStartChecks(await twilioConfig(), new EmergencyCalling(false), log, async () => goodFacts());
    expect(log.lines.map((l) => l.level)).toEqual(['info']);
    expect(log.lines[0]!.msg).toMatch(/^Twilio account checks passed/);
  });

  it('logs each failure with its fix, and stops dialing emergency numbers without a registered address', async () => {
    const log = recorder();
    const emergency = new EmergencyCalling(true);
    const config = await twilioConfig({ EMERGENCY_CALLING: 'on' });
    await runStartChecks(config, emergency, log, async () => goodFacts({ apiKey: { exists: ok(false), secretWorks: ok(false) } }));
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg)).toEqual([
      `API key: API key ${API_KEY_SID} does not exist on account ${ACCOUNT_SID} (deleted, or made in another account): every access token it signs is refused`,
      `Emergency calling: EMERGENCY_CALLING=on but ${TEAM_NUMBER} has no registered emergency address (none): emergency numbers are not dialed`,
      'Emergency numbers are not dialed until the team number has a registered emergency address (restart after registering it).',
      '2 Twilio account checks failed; `npm run doctor` says more, `npm run setup` fixes most',
    ]);
    expect(warnings[0]!.obj).toMatchObject({ check: 'api-key', fix: expect.stringContaining('npm run setup') });
    expect(emergency.on).toBe(false);
  });

  it('warns when the TwiML App does not report the end of calls to the history', async () => {
    const log = recorder();
    const good = goodFacts().application!;
    const application = good.ok && good.value ? ok({ ...good.value, statusCallback: null }) : good;
    await runStartChecks(await twilioConfig(), new EmergencyCalling(false), log, async () => goodFacts({ application }));
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg)).toEqual([
      `TwiML App: the Status Callback URL of ${TWIML_APP_SID} is empty, not https://phone.example.com/handle_calls/status (POST): missed calls never reach the history`,
      '1 Twilio account check failed; `npm run doctor` says more, `npm run setup` fixes most',
    ]);
    expect(warnings[0]!.obj).toMatchObject({ check: 'twiml-app', fix: expect.stringContaining('set the Status Callback URL to https://phone.example.com/handle_calls/status, method POST') });
  });

  it('never throws, whatever happens', async () => {
    const log = recorder();
    await expect(runStartChecks(await twilioConfig(), new EmergencyCalling(true), log, async () => {
      throw new Error('surprise');
    })).resolves.toEqual([]);
    expect(log.lines[0]!.msg).toMatch(/could not run; the server carries on/);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('server/main.ts in twilio mode with Twilio unreachable', () => {
  it('starts anyway, says loudly where Twilio traffic goes, and logs the failed check', async () => {
    const port = await freePort();
    const unreachable = await freePort();
    const env = twilioEnv({ SOFTPHONE_USERS: await softphoneUsers(), PORT: String(port), TWILIO_TEST_ENDPOINT: `https://127.0.0.1:${unreachable}`, LOG_LEVEL: 'info' });
    // From an empty folder, so no developer .env leaks in.
    const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'server', 'main.ts')], {
      cwd: mkdtempSync(join(tmpdir(), 'softphone-main-')),
      env: { PATH: process.env.PATH ?? '', ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes('Account credentials: Twilio could not be reached') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain(`WARNING: TWILIO_TEST_ENDPOINT is set: Twilio's REST API and signaling are replaced by https://127.0.0.1:${unreachable}`);
      expect(out).toContain('Account credentials: Twilio could not be reached');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);
});
