/**
 * `npm run setup` and `npm run doctor` against a fresh account on the Twilio emulator (in this process, over
 * HTTPS through the test-only endpoint override), with the app answering PUBLIC_BASE_URL/healthz: set-up from
 * nothing, its dry run, running it again, each deliberately broken configuration found by doctor with the
 * right line and fixed by set-up, the `.env` it writes, and no secret in anything either prints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLocalTls, type LocalTls } from '../../local-setup/setup';
import { freshAccount } from '../../emulator/account-presets';
import { emulatorPlugin } from '../../emulator/plugin';
import { parseConfig } from '../config';
import { testApp } from '../../test-support/app-requests';
import { runDoctor } from './doctor';
import type { Prompter } from './prompts';
import { runSetup } from './setup';

const ACCOUNT = 'AC' + '5'.repeat(32);
const AUTH_TOKEN = '6'.repeat(32);
const NUMBER = '+12025550100';
const PASSWORDS = { alice: 'alice-password-1', bob: 'bob-password-22' };

let tls: LocalTls;
let emulator: FastifyInstance;
let emulatorOrigin: string;
let site: Server;
let publicBaseUrl: string;
let app: FastifyInstance | undefined;
let dir: string;
let envPath: string;
/** Everything setup and doctor printed, for the secrets test. */
const printed: string[] = [];

beforeAll(async () => {
  tls = await generateLocalTls();
  emulator = Fastify({ https: tls });
  await emulator.register(emulatorPlugin, {
    ...freshAccount({ account: { accountSid: ACCOUNT, authToken: AUTH_TOKEN, apiKeys: [] }, numbers: [{ phoneNumber: NUMBER }] }),
    publicOrigin: 'https://localhost',
    webhookCa: tls.cert,
    webhookTimeoutSeconds: 3,
  });
  await emulator.listen({ port: 0, host: '127.0.0.1' });
  emulatorOrigin = `https://localhost:${(emulator.server.address() as AddressInfo).port}`;
  // PUBLIC_BASE_URL: answered by the app once set-up has written its configuration.
  site = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    if (app) app.routing(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  publicBaseUrl = `https://localhost:${(site.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'softphone-setup-'));
  envPath = join(dir, '.env');
}, 30_000);

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => site?.close(resolve));
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

const baseEnv = () => ({ TWILIO_TEST_ENDPOINT: emulatorOrigin });
const setupEnv = (extra: Record<string, string> = {}) => ({
  ...baseEnv(),
  TWILIO_ACCOUNT_SID: ACCOUNT,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  PUBLIC_BASE_URL: publicBaseUrl,
  SETUP_USERS: `alice:${PASSWORDS.alice},bob:${PASSWORDS.bob}`,
  ...extra,
});

function scripted(answers: (string | boolean)[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (q: string) => {
    asked.push(q);
    if (answers.length === 0) throw new Error(`unexpected question: ${q}`);
    return answers.shift()!;
  };
  return {
    asked,
    ask: async (q) => String(next(q)),
    secret: async (q) => String(next(q)),
    confirm: async (q) => next(q) === true,
    choose: async (q) => Number(next(q)),
    close: () => undefined,
  };
}

async function run(command: 'setup' | 'doctor', argv: string[], env: Record<string, string>, prompter?: Prompter): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), ca: tls.cert, prompter: prompter ?? scripted([]), interactive: prompter !== undefined };
  const code = command === 'setup' ? await runSetup(argv, env, io) : await runDoctor(argv, env, io);
  printed.push(...out, ...err);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const setup = (extra: string[] = [], env = setupEnv()) => run('setup', ['--yes', '--env-path', envPath, ...extra], env);
const doctor = (env: Record<string, string> = baseEnv()) => run('doctor', ['--env-path', envPath], env);
const control = async (method: string, path: string, body?: unknown) => {
  const res = await emulator.inject({ method: method as 'GET', url: `/emulator/api${path}`, ...(body !== undefined ? { payload: body as object } : {}) });
  return res.json();
};
const line = (out: string, title: string) => out.split('\n').find((l) => l.includes(` ${title}: `)) ?? '';

/** The app, configured from the .env set-up wrote, answering PUBLIC_BASE_URL. */
async function serveApp(): Promise<void> {
  await app?.close();
  const config = parseConfig(parseDotenv(await readFile(envPath, 'utf8')));
  if (config.mode !== 'twilio') throw new Error('set-up did not produce a twilio-mode configuration');
  app = (await testApp(config)).app;
  await app.ready();
}

describe('npm run setup on a fresh account', () => {
  it('dry run: prints the plan, changes nothing', async () => {
    const dry = await run('setup', ['--dry-run', '--env-path', envPath], setupEnv());
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: nothing is changed. Setup would:');
    expect(dry.out).toMatch(/would {3}API key: create a Standard API key "Softphone \(localhost:\d+\)"/);
    expect(dry.out).toMatch(/would {3}TwiML App: create .* with Voice URL https:\/\/localhost:\d+\/handle_calls, POST and Status Callback URL https:\/\/localhost:\d+\/handle_calls\/status, POST/);
    expect(dry.out).toMatch(/would {3}Number \+12025550100: send calls to the new TwiML App \(they go to https:\/\/demo\.twilio\.com\/welcome\/voice\/\)/);
    const account = await control('GET', '/account');
    expect(account.apiKeys).toEqual([]);
    expect(account.applications).toEqual([]);
    await expect(stat(envPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('without --yes and without a terminal, refuses to change anything', async () => {
    const refused = await run('setup', ['--env-path', envPath], setupEnv());
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('run it in a terminal, or pass --yes');
    expect((await control('GET', '/account')).apiKeys).toEqual([]);
  });

  it('configures the account and writes .env (mode 600), keeping what the file already had', async () => {
    await writeFile(envPath, '# my settings\nLOG_LEVEL=debug\nTWILIO_NUMBER=\n', { mode: 0o644 });
    const first = await setup();
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/done {4}API key: created SK[0-9a-f]{32}/);
    expect(first.out).toMatch(/done {4}TwiML App: created AP[0-9a-f]{32} \(.*, Voice URL https:\/\/localhost:\d+\/handle_calls, Status Callback URL https:\/\/localhost:\d+\/handle_calls\/status\)/);
    expect(first.out).toMatch(/done {4}Number \+12025550100: calls go to TwiML App AP[0-9a-f]{32}/);
    expect(first.err).toContain(`TWILIO_TEST_ENDPOINT is set: Twilio's REST API and signaling are replaced by ${emulatorOrigin}`);

    const text = await readFile(envPath, 'utf8');
    expect((await stat(envPath)).mode & 0o777).toBe(0o600);
    expect(text.startsWith('# my settings\nLOG_LEVEL=debug\nTWILIO_NUMBER=+12025550100\n')).toBe(true);
    const env = parseDotenv(text);
    const config = parseConfig(env);
    expect(config.mode).toBe('twilio');
    expect(config.users.map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(env.SESSION_SECRET!.length).toBeGreaterThanOrEqual(32);
    const account = await control('GET', '/account');
    expect(account.apiKeys.map((k: { sid: string }) => k.sid)).toEqual([env.TWILIO_API_KEY_SID]);
    expect(account.applications[0]).toMatchObject({
      sid: env.TWIML_APP_SID, voiceUrl: `${publicBaseUrl}/handle_calls`, voiceMethod: 'POST', statusCallback: `${publicBaseUrl}/handle_calls/status`,
    });
    expect(account.numbers[0]).toMatchObject({ voiceApplicationSid: env.TWIML_APP_SID });
  });

  it('running it again changes nothing and says so', async () => {
    const before = await readFile(envPath, 'utf8');
    const mtime = (await stat(envPath)).mtimeMs;
    const again = await setup();
    expect(again.code).toBe(0);
    for (const subject of ['API key SK', 'TwiML App AP', 'Number +12025550100', 'Dialing permissions', '.env']) {
      expect(again.out.split('\n').some((l) => l.includes(subject) && l.includes('already right')), subject).toBe(true);
    }
    expect(again.out).toMatch(/ok {6}TwiML App AP[0-9a-f]{32}: already right \(Voice URL https:\/\/localhost:\d+\/handle_calls, POST; Status Callback URL https:\/\/localhost:\d+\/handle_calls\/status, POST\)/);
    expect(again.out).toContain('Everything is already right; nothing changed.');
    expect(again.out).not.toMatch(/^ {2}(change|done)/m);
    expect(await readFile(envPath, 'utf8')).toBe(before);
    expect((await stat(envPath)).mtimeMs).toBe(mtime);
    expect((await control('GET', '/account')).apiKeys).toHaveLength(1);
  });

  it('doctor passes once the app answers PUBLIC_BASE_URL', async () => {
    const down = await doctor();
    expect(down.code).toBe(1);
    expect(line(down.out, 'Public URL')).toMatch(/^FAIL {2}Public URL: https:\/\/localhost:\d+\/healthz answered 503.*Fix: /);
    await serveApp();
    const ok = await doctor();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/All 12 checks passed\./);
    expect(line(ok.out, 'TwiML App')).toMatch(/^PASS {2}TwiML App: AP[0-9a-f]{32} sends browsers' calls to https:\/\/localhost:\d+\/handle_calls \(POST\) and the end of every call to https:\/\/localhost:\d+\/handle_calls\/status \(POST\)$/);
    expect(line(ok.out, 'Number (messages)')).toMatch(/^PASS {2}Number \(messages\): \+12025550100 sends its messages to https:\/\/localhost:\d+\/handle_sms \(POST\)/);
  });
});

describe('each broken configuration: doctor finds it, setup fixes it', () => {
  const cases: [string, string, string, RegExp][] = [
    ['the number points elsewhere', 'number-elsewhere', 'Number (voice)', /^FAIL {2}Number \(voice\): \+12025550100 sends its calls to https:\/\/demo\.twilio\.com\/welcome\/voice\/ \(POST\), not TwiML App AP[0-9a-f]{32}.*Fix: run `npm run setup`/],
    ['the TwiML App has a wrong Voice URL', 'wrong-voice-url', 'TwiML App', /^FAIL {2}TwiML App: the Voice URL of AP[0-9a-f]{32} is https:\/\/old-phone\.example\.com\/handle_calls \(POST\), not https:\/\/localhost:\d+\/handle_calls \(POST\).*Fix: /],
    ['the TwiML App has no Status Callback URL', 'no-status-callback', 'TwiML App', /^FAIL {2}TwiML App: the Status Callback URL of AP[0-9a-f]{32} is empty, not https:\/\/localhost:\d+\/handle_calls\/status \(POST\): missed calls never reach the history\. Fix: run `npm run setup`, or in Console → Voice → TwiML Apps → "Softphone \(localhost:\d+\)" set the Status Callback URL to https:\/\/localhost:\d+\/handle_calls\/status, method POST$/],
    ['the API key was deleted', 'deleted-key', 'API key', /^FAIL {2}API key: API key SK[0-9a-f]{32} does not exist on account AC5{32} \(deleted, or made in another account\).*Fix: run `npm run setup` to create a new key/],
    ['the allowed country is not enabled', 'country-disabled', 'Dialing permissions', /^FAIL {2}Dialing permissions: calls to US \(DIAL_ALLOWED_COUNTRIES\) are not enabled.*Fix: /],
  ];

  it.each(cases)('%s', async (_name, fault, title, expected) => {
    await control('POST', '/account/misconfigure', { faults: [fault] });
    const broken = await doctor();
    expect(broken.code).toBe(1);
    expect(line(broken.out, title)).toMatch(expected);
    // A number pointed at Twilio's demo has its messages pointed there too.
    const alsoFailing = fault === 'number-elsewhere' ? ['Number (messages)'] : [];
    expect(broken.out.split('\n').filter((l) => l.startsWith('FAIL')).map((l) => l.slice(6, l.indexOf(':')))).toEqual([title, ...alsoFailing]);

    const fixed = await setup();
    expect(fixed.code, fixed.err).toBe(0);
    expect(fixed.out).toMatch(/^ {2}done {4}/m);
    if (fault === 'no-status-callback') {
      expect(fixed.out).toMatch(/change {2}TwiML App AP[0-9a-f]{32}: set the Status Callback URL to https:\/\/localhost:\d+\/handle_calls\/status, POST \(it is empty\), so that missed calls reach the history$/m);
      expect(fixed.out).toMatch(/done {4}TwiML App AP[0-9a-f]{32}: Voice URL is now https:\/\/localhost:\d+\/handle_calls, Status Callback URL https:\/\/localhost:\d+\/handle_calls\/status \(both POST\)/);
    }
    if (fault === 'wrong-voice-url') expect(fixed.out).toMatch(/change {2}TwiML App AP[0-9a-f]{32}: set the Voice URL to https:\/\/localhost:\d+\/handle_calls, POST \(it is https:\/\/old-phone\.example\.com\/handle_calls\)$/m);
    if (fault === 'deleted-key') {
      expect(fixed.out).toMatch(/API key: create a Standard API key .* \(SK[0-9a-f]{32} in \.env no longer exists on the account\)/);
      expect(fixed.out).toMatch(/replace TWILIO_API_KEY_SID \(was SK[0-9a-f]{32}\); replace TWILIO_API_KEY_SECRET/);
      await serveApp();
    }
    const healthy = await doctor();
    expect(healthy.code, healthy.out).toBe(0);
    expect((await setup()).out).toContain('Everything is already right; nothing changed.');
  });

  it('a wrong clock: doctor says by how much, and passes once it is right', async () => {
    await control('POST', '/account/clock', { offsetSeconds: -300 });
    const skewed = await doctor();
    expect(skewed.code).toBe(1);
    expect(line(skewed.out, 'Clock')).toMatch(/^FAIL {2}Clock: this machine's clock is 30\d s ahead of Twilio's: access tokens are refused or expire early\. Fix: /);
    await control('POST', '/account/clock', { offsetSeconds: 0 });
    expect((await doctor()).code).toBe(0);
  });

  it('EMERGENCY_CALLING=on needs an emergency address on the number', async () => {
    const on = { ...baseEnv(), EMERGENCY_CALLING: 'on' };
    const missing = await doctor(on);
    expect(missing.code).toBe(1);
    expect(line(missing.out, 'Emergency calling')).toMatch(/^FAIL {2}Emergency calling: EMERGENCY_CALLING=on but \+12025550100 has no registered emergency address \(none\).*Fix: register an emergency address/);
    await control('POST', `/numbers/${encodeURIComponent(NUMBER)}`, { emergencyAddressSid: 'AD' + '7'.repeat(32) });
    const registered = await doctor(on);
    expect(registered.code).toBe(0);
    expect(line(registered.out, 'Emergency calling')).toMatch(/^PASS {2}Emergency calling: on: emergency calls from \+12025550100 carry the registered address AD7{32}/);
  });

  it('an existing value differing from the one given is replaced only when the person agrees', async () => {
    const other = { ...setupEnv(), PUBLIC_BASE_URL: 'https://elsewhere.example.com' };
    const script = await run('setup', ['--env-path', envPath], other);
    expect(script.code).toBe(1);
    expect(script.err).toContain('PUBLIC_BASE_URL differs from the one in .env; pass --yes to replace it');

    const person = scripted([false]);
    const kept = await run('setup', ['--env-path', envPath], other, person);
    expect(kept.code).toBe(0);
    expect(person.asked).toEqual([`PUBLIC_BASE_URL in .env is ${publicBaseUrl}; replace it with https://elsewhere.example.com?`]);
    expect(kept.out).toContain('Everything is already right; nothing changed.');
    expect(parseDotenv(await readFile(envPath, 'utf8')).PUBLIC_BASE_URL).toBe(publicBaseUrl);
  });

  it('asks a person for a new user, hashes the password, and keeps the others', async () => {
    const env = { ...baseEnv(), TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: AUTH_TOKEN };
    const person = scripted(['carol', 'carol-password', 'carol-password', '', true]);
    const added = await run('setup', ['--env-path', envPath], env, person);
    expect(added.code, added.err).toBe(0);
    expect(person.asked.at(-1)).toBe('Apply these changes?');
    const config = parseConfig(parseDotenv(await readFile(envPath, 'utf8')));
    expect(config.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
  });

  it('webhook errors at PUBLIC_BASE_URL show up from the Monitor alerts', async () => {
    const serving = app;
    app = undefined; // the site answers 503 while "the server is down"
    const call = await control('POST', `/phones/${encodeURIComponent('+12025550102')}/call`, { to: NUMBER });
    expect(call.callSid).toMatch(/^CA/);
    let alerts: { errorCode: string }[] = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      alerts = (await control('GET', '/account')).alerts;
      if (alerts.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    app = serving;
    const after = await doctor();
    expect(after.code).toBe(1);
    expect(line(after.out, 'Webhook errors')).toMatch(/^FAIL {2}Webhook errors: 1 webhook error for https:\/\/localhost:\d+ in the last 24 hours; the latest, .*: 11200 on \/handle_calls: HTTP retrieval failure: POST https:\/\/localhost:\d+\/handle_calls returned 503\. Fix: the server answered Twilio with an error/);
  });
});

describe('secrets', () => {
  it('never appear in what setup and doctor print', async () => {
    const env = parseDotenv(await readFile(envPath, 'utf8'));
    const secrets = [
      AUTH_TOKEN, env.TWILIO_API_KEY_SECRET!, env.SESSION_SECRET!, ...Object.values(PASSWORDS), 'carol-password',
      ...env.SOFTPHONE_USERS!.split(',').map((pair) => pair.slice(pair.indexOf(':') + 1)),
    ];
    const all = printed.join('\n');
    expect(printed.length).toBeGreaterThan(50);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      expect(all).not.toContain(secret);
    }
  });
});
