/**
 * The store as the app uses it: the call history, the team (availability, on a call, seen), the live
 * events, the store's health, healing and the daily retention. `openStore` connects (DATABASE_URL, or the
 * embedded PostgreSQL it starts), migrates under a lock, loads the team and starts listening.
 *
 * An external database that does not answer at start does not stop the server: calls must connect
 * anyway. The store then starts degraded and finishes opening in the background once the database
 * answers. Everything else that is wrong at start (a newer schema, an embedded data folder of another
 * PostgreSQL version or in use by another server) stops it with one line.
 */
import type pg from 'pg';
import { EventHub } from '../events/hub';
import { BackgroundWrites } from '../history/background-writes';
import { ClickToCallRepository } from '../click-to-call/repository';
import { purgeEvents } from '../events/outbox';
import { Healer } from '../history/heal';
import type { CallLog } from '../history/heal';
import { HistoryRepository } from '../history/repository';
import { LiveCallRepository } from '../calls/repository';
import type { LiveCallStore } from '../calls/repository';
import { MessagesRepository } from '../messages/repository';
import { Team } from '../presence/team';
import { VoicemailCopier } from '../voicemail/copy';
import type { RecordingMedia } from '../voicemail/media';
import { VoicemailPurger } from '../voicemail/purge';
import type { RecordingRemover } from '../voicemail/purge';
import { VoicemailRepository } from '../voicemail/repository';
import { isUnavailable, openDatabase } from './database';
import type { Database, StoreHealth, StoreLogger } from './database';
import { EmbeddedPostgres } from './embedded/cluster';
import { migrate, NewerSchemaError } from './migrate';
import type { MigrationResult } from './migrate';

export interface StoreConfig {
  databaseUrl?: string;
  localDataDir: string;
  users: readonly { name: string }[];
  historyRetentionDays: number;
  /** Default: as long as the call history. */
  messageRetentionDays?: number;
  /** Voicemails older than this are deleted with their recordings; default: kept until someone deletes them. */
  voicemailRetentionDays?: number;
  teamNumber: string;
}

export interface StoreOptions {
  log: StoreLogger;
  /** Where healing reads Twilio's call log; without it the history does not heal. */
  callLog?: CallLog;
  /** Where deleted voicemails' recordings are removed; without it they are only hidden. */
  recordings?: RecordingRemover;
  /** VOICEMAIL_STORE=database: where messages' audio is downloaded from, to be kept in the database and removed (with `recordings`) at Twilio. */
  copyAudioFrom?: RecordingMedia;
  /** Connect here instead of DATABASE_URL or the embedded database (tests). */
  connection?: pg.ClientConfig;
  /** Periodic jobs (retention, healing); tests turn them off to run them by hand. Default true. */
  jobs?: boolean;
  /** Pool size. */
  poolSize?: number;
}

export interface Store {
  history: HistoryRepository;
  /** Text messages and conversations. */
  messages: MessagesRepository;
  voicemails: VoicemailRepository;
  /** Personal numbers and the progress of calls placed via them. */
  clickToCall: ClickToCallRepository;
  /** Live calls as the history knows them, and their live-call events (call control). */
  liveCalls: LiveCallStore;
  /** Writes the call path does not wait for. */
  background: BackgroundWrites;
  team: Team;
  events: EventHub;
  health: StoreHealth;
  healer: Healer | undefined;
  /** Removes deleted voicemails' recordings at Twilio (undefined without `recordings`). */
  voicemailPurge: VoicemailPurger | undefined;
  /** Copies voicemail audio into the database (VOICEMAIL_STORE=database; undefined otherwise). */
  voicemailCopy: VoicemailCopier | undefined;
  /** Where the data is, for the start banner and /healthz. */
  where: { kind: 'embedded' | 'external'; detail: string };
  /** Set once migrations ran (undefined while an unreachable database keeps the store from opening). */
  migration: MigrationResult | undefined;
  /** Deletes what the retention no longer keeps; done daily by the jobs. */
  purge(): Promise<{ calls: number; messages: number; voicemails: number; events: number }>;
  close(): Promise<void>;
}

/** How often the daily retention is checked for, and stale "on a call" states cleared. */
const RETENTION_CHECK_MS = 600_000;
const RETENTION_JOB = 'history-retention';
const OPEN_RETRY_MS = 2000;

/** "postgres://user:secret@host/db" → "postgres://user@host/db": where, never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

export async function openStore(config: StoreConfig, options: StoreOptions): Promise<Store> {
  const { log } = options;
  let embedded: EmbeddedPostgres | undefined;
  let connection: pg.ClientConfig;
  let where: Store['where'];
  if (options.connection) {
    connection = options.connection;
    where = { kind: 'external', detail: `${connection.host ?? ''}/${connection.database ?? ''}` };
  } else if (config.databaseUrl !== undefined) {
    connection = { connectionString: config.databaseUrl };
    where = { kind: 'external', detail: describeUrl(config.databaseUrl) };
  } else {
    embedded = new EmbeddedPostgres({
      localDataDir: config.localDataDir,
      log: { info: (m) => log.info({ event: 'embedded-database' }, m), warn: (m) => log.warn({ event: 'embedded-database' }, m) },
    });
    const started = await embedded.start();
    connection = started.connection;
    where = { kind: 'embedded', detail: `${started.home}/data` };
  }

  const database: Database = openDatabase(connection, { log, ...(options.poolSize ? { max: options.poolSize } : {}) });
  const history = new HistoryRepository(database.db);
  const messages = new MessagesRepository(database.db);
  const voicemails = new VoicemailRepository(database.db, history);
  const team = new Team(config.users.map((u) => u.name), database.db);
  const events = new EventHub(database, log);
  events.observe(team);
  const voicemailCopy =
    options.copyAudioFrom && options.recordings ? new VoicemailCopier(database.db, options.copyAudioFrom, options.recordings, log, options.jobs === false ? 0 : undefined) : undefined;
  const healer = options.callLog
    ? new Healer(database.db, history, options.callLog, { teamNumber: config.teamNumber, users: team.users, voicemails, messages, log, onVoicemails: () => void voicemailCopy?.run(), ...(options.jobs === false ? { intervalMs: 0 } : {}) })
    : undefined;
  const voicemailPurge = options.recordings ? new VoicemailPurger(database.db, options.recordings, log, options.jobs === false ? 0 : undefined) : undefined;
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const background = new BackgroundWrites(history, () => healer?.noteFailure(), log);

  const store: Store = {
    history,
    messages,
    voicemails,
    clickToCall: new ClickToCallRepository(database.db),
    liveCalls: new LiveCallRepository(database.db, history),
    background,
    team,
    events,
    health: database.health,
    healer,
    voicemailPurge,
    voicemailCopy,
    where,
    migration: undefined,
    async purge() {
      const calls = await history.purge(config.historyRetentionDays);
      const texts = await messages.purge(config.messageRetentionDays ?? config.historyRetentionDays);
      const expired = config.voicemailRetentionDays === undefined ? 0 : await voicemails.expire(config.voicemailRetentionDays);
      if (expired > 0) void voicemailPurge?.run();
      await voicemails.forgetPurged(config.historyRetentionDays);
      const gone = await purgeEvents(database.db);
      return { calls, messages: texts, voicemails: expired, events: gone };
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      healer?.stop();
      await voicemailPurge?.stop();
      await voicemailCopy?.stop();
      await background.idle();
      await events.close();
      await database.close();
      await embedded?.stop();
    },
  };

  /** Once a day across all replicas: a row in `maintenance` says when it last ran. */
  const retention = async () => {
    const due = await database.db
      .insertInto('maintenance')
      .values({ job: RETENTION_JOB, last_run: new Date() })
      .onConflict((oc) => oc.column('job').doUpdateSet({ last_run: new Date() }).where('maintenance.last_run', '<', new Date(Date.now() - 86_400_000)))
      .returning('job')
      .executeTakeFirst();
    if (!due) return;
    const result = await store.purge();
    log.info({ event: 'history-retention', days: config.historyRetentionDays, ...result }, 'old calls, messages and events deleted');
  };

  const finishOpening = async () => {
    store.migration = await migrate(database.db);
    log.info(
      { event: 'schema', version: store.migration.version, applied: store.migration.applied },
      store.migration.applied.length > 0 ? `database migrated to ${store.migration.version}` : `database schema up to date (${store.migration.version})`,
    );
    await team.load();
    await events.start();
    healer?.start(database.health);
    if (options.jobs !== false) voicemailPurge?.start(database.health);
    if (options.jobs !== false) voicemailCopy?.start(database.health);
    if (options.jobs !== false) {
      const tick = () => {
        retention().catch((err: unknown) => log.warn({ event: 'retention-failed', reason: (err as Error).message }, 'retention run failed'));
        team.refreshOnCall().catch(() => undefined);
      };
      tick();
      const t = setInterval(tick, RETENTION_CHECK_MS);
      t.unref();
      timers.push(t);
    }
  };

  try {
    await finishOpening();
  } catch (err) {
    if (err instanceof NewerSchemaError || !isUnavailable(err) || embedded) {
      await store.close().catch(() => undefined);
      throw err;
    }
    database.health.failed(err);
    log.error({ event: 'store-opening-later', reason: (err as Error).message }, 'the database does not answer; starting without it (calls still connect), retrying');
    const retry = () => {
      if (closed) return;
      finishOpening().then(
        () => log.info({ event: 'store-open' }, 'database reached; history and live events are back'),
        (e: unknown) => {
          if (e instanceof NewerSchemaError) log.error({ event: 'store-refused' }, e.message);
          else timers.push(setTimeout(retry, OPEN_RETRY_MS));
        },
      );
    };
    timers.push(setTimeout(retry, OPEN_RETRY_MS));
  }
  return store;
}
