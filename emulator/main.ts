/**
 * `npm run emulator`: the emulator on its own HTTPS origin, with the same local credentials and
 * certificate as the app's local mode (LOCAL_DATA_DIR), for tests or for pointing any app at it.
 *   EMULATOR_PORT        port to listen on (default 3301)
 *   EMULATOR_VOICE_URL   the TwiML App's voice URL (default: the app's local origin + /handle_calls)
 *   EMULATOR_SMS_URL     the team number's messaging webhook (default: the app's local origin + /handle_sms)
 *   LOCAL_DATA_DIR       where credentials.json and tls/ live (default .local)
 */
import Fastify from 'fastify';
import { emulatorPlugin } from './plugin';
import { loadLocalSetup, localTwilioAccount } from '../local-setup/setup';

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 3301);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write('EMULATOR_PORT: expected a TCP port number such as 3301\n');
    process.exit(1);
  }
  const dataDir = process.env.LOCAL_DATA_DIR ?? '.local';
  const local = await loadLocalSetup(dataDir);
  const origin = `https://localhost:${port}`;
  const voiceUrl = process.env.EMULATOR_VOICE_URL ?? 'https://localhost:3000/handle_calls';
  const smsUrl = process.env.EMULATOR_SMS_URL ?? 'https://localhost:3000/handle_sms';
  const app = Fastify({ https: { key: local.tls.key, cert: local.tls.cert }, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  await app.register(emulatorPlugin, { ...localTwilioAccount(local.credentials, local.tls, origin, voiceUrl, smsUrl), logger: app.log });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.listen({ port, host: '127.0.0.1' });
  const c = local.credentials;
  process.stdout.write([
    `Twilio Voice emulator at ${origin} (console ${origin}/emulator, signaling wss://localhost:${port}/signal)`,
    `Account ${c.accountSid}, API key ${c.apiKeySid}, TwiML App ${c.twimlAppSid} → ${voiceUrl}, number ${c.teamNumber}`,
    `Credentials: ${local.dataDir}/credentials.json`,
  ].join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not start the emulator: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
