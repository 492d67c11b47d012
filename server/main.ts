/**
 * Composition root: reads the environment (and .env), decides the mode, loads local credentials when
 * there is no Twilio account, builds the app, adds the local Twilio stand-in in local mode, listens, and
 * shuts down cleanly on SIGTERM/SIGINT.
 */
import { config as loadDotenv } from 'dotenv';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app';
import { ConfigError, parseConfig } from './config';
import type { AppConfig } from './config';
import { loadLocalSetup, localTwilioAccount } from '../local-setup/setup';
import { emulatorRequestClient } from '../local-setup/twilio-client';
import { twilioCallLog } from './history/heal';
import { twilioRecordingRemover } from './voicemail/purge';
import { twilioSender } from './messages/sender';
import { twilioPlacer } from './click-to-call/placer';
import { conferenceUrls, restLogin, twilioConferences } from './calls/twilio-conferences';
import { resolveLocalConfig } from './local-mode';
import { openStore } from './store/store';
import type { Store } from './store/store';
import { testEndpointWarning } from './twilio/rest-client';
import { twilioMessageMedia } from './messages/media';
import { TWILIO_REST_ORIGIN, twilioRecordingMedia } from './voicemail/media';
import { runStartChecks } from './twilio/start-checks';
import { EmergencyCalling } from './voice/emergency';

const SHUTDOWN_GRACE_MS = 10_000;

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function storeLine(store: Store): string {
  return store.where.kind === 'embedded'
    ? `History and availability: embedded PostgreSQL in ${store.where.detail} (backup: npm run backup)`
    : `History and availability: PostgreSQL at ${store.where.detail}`;
}

/** One line for a store that cannot open: its own when it names the variable, else under DATABASE_URL or LOCAL_DATA_DIR. */
function storeFailure(err: unknown, external: boolean): string {
  const message = ((err as Error).message ?? String(err)).split('\n')[0]!;
  if (/^[A-Z_]+: /.test(message) || message.startsWith('The database schema')) return message;
  return `${external ? 'DATABASE_URL' : 'LOCAL_DATA_DIR'}: the database could not be opened: ${message}`;
}

function startBanner(config: AppConfig, host: string): string[] {
  if (config.mode === 'local') {
    const who = config.users.map((u) => u.name).join(', ');
    return [
      `Softphone (local mode, no Twilio account needed) at ${config.publicBaseUrl}`,
      config.demoPassword === undefined
        ? `Sign in as one of ${who} with the password set in SOFTPHONE_USERS.`
        : `Sign in as ${who} with the password "${config.demoPassword}" (set DEMO_PASSWORD to change it).`,
      config.emulatorOrigin === undefined
        ? `Local Twilio stand-in console: ${config.publicBaseUrl}/emulator`
        : `Using the Twilio stand-in at ${config.emulatorOrigin} (console ${config.emulatorOrigin}/emulator); start it with \`EMULATOR_VOICE_URL=${config.publicBaseUrl}/handle_calls npm run emulator\` and the same LOCAL_DATA_DIR.`,
      `The certificate is self-signed: accept the browser warning once (it is kept in ${config.localDataDir}/tls).`,
    ];
  }
  return [
    `Softphone (twilio mode) listening on ${host}:${config.port}, public URL ${config.publicBaseUrl}`,
    `TwiML App Voice URL: ${config.publicBaseUrl}/handle_calls (webhook signatures are checked against it)`,
  ];
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });

  let parsed;
  try {
    parsed = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  // One logger for the store and the app, so the database's lines read like the rest.
  const logger = pino({ level: parsed.logLevel });
  const emergency = new EmergencyCalling(parsed.emergencyCalling);
  let app: FastifyInstance;
  let config: AppConfig;
  let host: string;
  let store: Store;

  const open = async (c: AppConfig, restOrigin?: { origin: string; ca: string }) => {
    const restClient = restOrigin ? emulatorRequestClient(restOrigin.origin, restOrigin.ca) : c.twilioTestEndpoint === undefined ? undefined : emulatorRequestClient(c.twilioTestEndpoint);
    const callLog = twilioCallLog(c.account, restOrigin ? restClient : undefined);
    // Deleted voicemails' recordings are removed where they were recorded.
    const recordings = twilioRecordingRemover(c.account, restClient);
    // VOICEMAIL_STORE=database: audio is downloaded from there into the database, then removed there.
    const origin = restOrigin?.origin ?? c.twilioTestEndpoint ?? TWILIO_REST_ORIGIN;
    const copyAudioFrom = c.voicemail.store === 'database' ? twilioRecordingMedia({ account: c.account, origin, ...(restOrigin ? { ca: restOrigin.ca } : {}) }) : undefined;
    try {
      return await openStore(
        { ...c, teamNumber: c.account.teamNumber, voicemailRetentionDays: c.voicemail.retentionDays },
        { log: logger, callLog, recordings, ...(copyAudioFrom ? { copyAudioFrom } : {}) },
      );
    } catch (err) {
      fail(storeFailure(err, c.databaseUrl !== undefined));
    }
  };

  if (parsed.mode === 'local') {
    const local = await loadLocalSetup(parsed.localDataDir);
    config = resolveLocalConfig(parsed, local.credentials);
    // Healing reads the local stand-in's call log, as it would read Twilio's.
    store = await open(config, { origin: config.emulatorOrigin ?? config.publicBaseUrl, ca: local.tls.cert });
    // Texts go out through the local stand-in's REST API, and voicemail audio comes from its Recordings, as they would through Twilio's.
    const restClient = emulatorRequestClient(config.emulatorOrigin ?? config.publicBaseUrl, local.tls.cert);
    const sender = twilioSender(config.account, restClient);
    const placer = twilioPlacer(config.account, restClient);
    const recordings = twilioRecordingMedia({ account: config.account, origin: config.emulatorOrigin ?? config.publicBaseUrl, ca: local.tls.cert });
    const conferences = twilioConferences(restLogin(config), conferenceUrls(config.publicBaseUrl), restClient);
    const pictures = twilioMessageMedia({ account: config.account, origin: config.emulatorOrigin ?? config.publicBaseUrl, ca: local.tls.cert });
    app = buildApp(config, { https: local.tls, loggerInstance: logger, store, emergency, sender, placer, recordings, conferences, pictures });
    // With EMULATOR_ORIGIN the stand-in runs on its own, so this server can restart under live calls.
    if (config.emulatorOrigin === undefined) {
      // The one import of the emulator from the server: its plugin, the entry point it offers its hosts.
      const { emulatorPlugin } = await import('../emulator/plugin');
      const account = localTwilioAccount(local.credentials, local.tls, config.publicBaseUrl);
      await app.register(emulatorPlugin, { ...account, logger: app.log });
    }
    // Loopback only: the local stand-in and the demo passwords are not for a network.
    host = '127.0.0.1';
    if (local.created.length > 0) {
      app.log.info({ dataDir: local.dataDir, created: local.created }, 'generated local credentials/certificate');
    }
  } else {
    config = parsed;
    store = await open(config);
    const restClient = config.twilioTestEndpoint === undefined ? undefined : emulatorRequestClient(config.twilioTestEndpoint);
    const sender = twilioSender(config.account, restClient);
    const placer = twilioPlacer(config.account, restClient);
    const conferences = twilioConferences(restLogin(config), conferenceUrls(config.publicBaseUrl), restClient);
    app = buildApp(config, { loggerInstance: logger, store, emergency, sender, placer, conferences });
    host = '0.0.0.0';
    if (config.twilioTestEndpoint !== undefined) {
      // Loudly: every REST call and every browser's signaling, credentials included, goes elsewhere.
      process.stderr.write(`WARNING: ${testEndpointWarning(config.twilioTestEndpoint)}\n`);
      app.log.warn({ twilioTestEndpoint: config.twilioTestEndpoint }, testEndpointWarning(config.twilioTestEndpoint));
    }
  }
  // After the last request and stream: the database goes last.
  app.addHook('onClose', () => store.close());

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      process.stderr.write(`Shutdown took longer than ${SHUTDOWN_GRACE_MS / 1000} s; exiting.\n`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  try {
    await app.listen({ port: config.port, host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`PORT: ${config.port} is already in use; stop the other server or set PORT to a free port`);
    if (code === 'EACCES') fail(`PORT: not allowed to listen on ${config.port}; use a port above 1023`);
    throw err;
  }
  process.stdout.write(`${[...startBanner(config, host), storeLine(store)].join('\n')}\n`);
  // Twilio mode: the same cheap checks as `npm run doctor`, logged; a failure never stops the server.
  if (config.mode === 'twilio') void runStartChecks(config, emergency, app.log);
}

main().catch((err: unknown) => {
  fail(`Could not start: ${(err as Error).stack ?? String(err)}`);
});
