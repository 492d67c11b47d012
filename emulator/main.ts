/**
 * `npm run emulator`: the emulator on its own HTTPS origin, with the same local credentials and
 * certificate as the app's local mode (LOCAL_DATA_DIR), for tests or for pointing any app at it.
 *   EMULATOR_PORT        port to listen on (default 3301)
 *   EMULATOR_VOICE_URL   the TwiML App's voice URL (default: the app's local origin + /handle_calls)
 *   EMULATOR_SMS_URL     the team number's messaging webhook (default: the app's local origin + /handle_sms)
 *   LOCAL_DATA_DIR       where credentials.json and tls/ live (default .local)
 *   EMULATOR_ACCOUNT     configured (default: the local API key, TwiML App and number, ready to use) or
 *                        fresh (only the account SID, auth token and a number on Twilio's demo URLs)
 *   EMULATOR_MISCONFIGURE  comma-separated deliberate mistakes (contracts/emulator/account.ts)
 */
import Fastify from 'fastify';
import { emulatorPlugin } from './plugin';
import { loadLocalSetup, localTwilioAccount } from '../local-setup/setup';
import { MISCONFIGURATIONS, type Misconfiguration } from '../contracts/emulator/account';
import { freshAccount, parsePreset } from './account-presets';

function parseMisconfigurations(raw: string | undefined): Misconfiguration[] {
  const names = (raw ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const name of names) {
    if (!(MISCONFIGURATIONS as readonly string[]).includes(name)) {
      throw new Error(`EMULATOR_MISCONFIGURE: comma-separated names from ${MISCONFIGURATIONS.join(', ')}; "${name.slice(0, 40)}" is not one`);
    }
  }
  return names as Misconfiguration[];
}

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 3301);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write('EMULATOR_PORT: expected a TCP port number such as 3301\n');
    process.exit(1);
  }
  let preset;
  let misconfigure;
  try {
    preset = parsePreset(process.env.EMULATOR_ACCOUNT);
    misconfigure = parseMisconfigurations(process.env.EMULATOR_MISCONFIGURE);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const dataDir = process.env.LOCAL_DATA_DIR ?? '.local';
  const local = await loadLocalSetup(dataDir);
  const origin = `https://localhost:${port}`;
  const voiceUrl = process.env.EMULATOR_VOICE_URL ?? 'https://localhost:3000/handle_calls';
  const smsUrl = process.env.EMULATOR_SMS_URL ?? 'https://localhost:3000/handle_sms';
  const app = Fastify({ https: { key: local.tls.key, cert: local.tls.cert }, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  const configured = localTwilioAccount(local.credentials, local.tls, origin, voiceUrl, smsUrl);
  const account = preset === 'fresh' ? { ...configured, ...freshAccount(configured) } : configured;
  await app.register(emulatorPlugin, { ...account, misconfigure, logger: app.log });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.listen({ port, host: '127.0.0.1' });
  const c = local.credentials;
  process.stdout.write([
    `Twilio Voice emulator at ${origin} (console ${origin}/emulator, signaling wss://localhost:${port}/signal)`,
    preset === 'fresh'
      ? `Fresh account ${c.accountSid}: no API keys, no TwiML Apps; number ${c.teamNumber} on Twilio's demo URLs (npm run setup configures it)`
      : `Account ${c.accountSid}, API key ${c.apiKeySid}, TwiML App ${c.twimlAppSid} → ${voiceUrl}, number ${c.teamNumber}`,
    ...(misconfigure.length > 0 ? [`Misconfigured on purpose: ${misconfigure.join(', ')}`] : []),
    `Credentials (the account's auth token among them): ${local.dataDir}/credentials.json`,
  ].join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not start the emulator: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
