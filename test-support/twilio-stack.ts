/**
 * Twilio mode end to end without Twilio: `npm run emulator` with a fresh account (only an Account SID, an
 * Auth Token and a number on Twilio's demo URLs), `npm run setup --yes` against it through the test-only
 * endpoint override, and the server started in twilio mode from the `.env` set-up wrote, behind a TLS proxy
 * that is its PUBLIC_BASE_URL (as a tunnel or load balancer would be in production).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { LocalCredentials } from '../local-setup/setup';
import { DEMO_PASSWORD, E2E_PORT, startProcess, waitUntilAnswering, type ServerProcess } from './local-server';
import { startTlsProxy } from './tls-proxy';

/** Above the browser suite's own ports and the stand-alone stack's (local-server.ts). */
export const TWILIO_STACK_PORTS = { proxy: E2E_PORT + 4, app: E2E_PORT + 5, emulator: E2E_PORT + 6 } as const;

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command script (setup, doctor) to its end. */
export async function runCommand(script: string, args: string[], settings: Record<string, string>): Promise<CommandResult> {
  const proc: ServerProcess = startProcess(script, settings, { args });
  await new Promise<void>((resolve) => (proc.child.exitCode !== null ? resolve() : proc.child.once('exit', () => resolve())));
  return { code: proc.child.exitCode, output: proc.output() };
}

export interface TwilioModeStack {
  /** PUBLIC_BASE_URL: the TLS proxy in front of the app. */
  appOrigin: string;
  emulatorOrigin: string;
  teamNumber: string;
  /** The .env set-up wrote, parsed. */
  env: Record<string, string>;
  envPath: string;
  setup: CommandResult;
  /** What the commands need besides .env: the override and the certificate to trust. */
  testSettings: Record<string, string>;
  appLog(): string;
  stop(): Promise<void>;
}

export async function startTwilioModeStack(): Promise<TwilioModeStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'softphone-twilio-mode-'));
  const emulatorOrigin = `https://localhost:${TWILIO_STACK_PORTS.emulator}`;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const emulator = startProcess('emulator/main.ts', {
      EMULATOR_PORT: String(TWILIO_STACK_PORTS.emulator),
      EMULATOR_ACCOUNT: 'fresh',
      LOCAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    stops.push(() => emulator.stop());
    await waitUntilAnswering(`${emulatorOrigin}/emulator/api/clients`, emulator);
    const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as LocalCredentials;
    const tls = { key: await readFile(join(dataDir, 'tls', 'key.pem'), 'utf8'), cert: await readFile(join(dataDir, 'tls', 'cert.pem'), 'utf8') };
    const proxy = await startTlsProxy(TWILIO_STACK_PORTS.proxy, TWILIO_STACK_PORTS.app, tls);
    stops.push(() => proxy.close());

    const testSettings = { TWILIO_TEST_ENDPOINT: emulatorOrigin, NODE_EXTRA_CA_CERTS: join(dataDir, 'tls', 'cert.pem') };
    const envPath = join(dataDir, 'softphone.env');
    const setup = await runCommand('server/cli/setup-main.ts', ['--yes', '--env-path', envPath], {
      ...testSettings,
      TWILIO_ACCOUNT_SID: credentials.accountSid,
      TWILIO_AUTH_TOKEN: credentials.authToken,
      PUBLIC_BASE_URL: proxy.origin,
      SETUP_USERS: `alice:${DEMO_PASSWORD},bob:${DEMO_PASSWORD}`,
    });
    if (setup.code !== 0) throw new Error(`npm run setup failed (${setup.code}): ${setup.output}`);
    const env = parseDotenv(await readFile(envPath, 'utf8'));

    const app = startProcess('server/main.ts', {
      ...env,
      ...testSettings,
      PORT: String(TWILIO_STACK_PORTS.app),
      LOG_LEVEL: 'info',
      // Every test signs in afresh through one proxy address.
      SIGN_IN_RATE_LIMIT: '1000',
    });
    stops.push(() => app.stop());
    await waitUntilAnswering(`${proxy.origin}/healthz`, app);
    return { appOrigin: proxy.origin, emulatorOrigin, teamNumber: credentials.teamNumber, env, envPath, setup, testSettings, appLog: app.output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
