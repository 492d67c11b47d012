/**
 * The purge job: removes the recordings of deleted voicemails at Twilio (REST `recordings(sid).remove()`),
 * so nothing lingers there. The voicemail rows are the stored job (migration 0004): a delete sets
 * `purge_after` to the end of its undo window, retention to now. Each run claims the due rows (SKIP LOCKED,
 * so replicas never take the same one; the claim pushes `purge_after` out as a lease, so an attempt cut
 * short by a crash is taken again), removes each recording and marks it purged. A recording already gone
 * counts as removed, so a repeated attempt changes nothing; a failed one is tried again with backoff.
 */
import { sql } from 'kysely';
import twilio from 'twilio';
import type { CallLogAccount } from '../history/heal';
import type { Db, StoreHealth, StoreLogger } from '../store/database';

/** Twilio's recordings as the purge job uses them. */
export interface RecordingRemover {
  /** Resolves once the recording is removed, or was not there; rejects when Twilio could not be asked. */
  remove(recordingSid: string): Promise<void>;
}

export function twilioRecordingRemover(account: CallLogAccount, httpClient?: twilio.RequestClient): RecordingRemover {
  const client = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, ...(httpClient ? { httpClient } : {}) });
  return {
    async remove(recordingSid) {
      try {
        await client.recordings(recordingSid).remove();
      } catch (err) {
        if ((err as { status?: number }).status === 404) return;
        throw err;
      }
    },
  };
}

/** How often due purges are looked for: restarts, retries and other replicas' deletes. */
export const PURGE_INTERVAL_MS = 60_000;
/** A claimed purge not finished by then is taken again. */
const LEASE_SECONDS = 120;
const BATCH = 50;
const FIRST_RETRY_MS = 30_000;
const LAST_RETRY_MS = 3600_000;

/** The wait before attempt n + 1 after n failed: 30 s, doubling, at most an hour. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failedAttempts - 1, 20)));
}

export interface PurgeResult {
  purged: number;
  failed: number;
}

export class VoicemailPurger {
  private timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<PurgeResult> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly remover: RecordingRemover,
    private readonly log: StoreLogger,
    private readonly intervalMs = PURGE_INTERVAL_MS,
  ) {}

  /** Runs now (what a restart left due) and every interval while the database is up. */
  start(health: StoreHealth): void {
    const tick = () => {
      if (health.status !== 'degraded') void this.run();
    };
    tick();
    if (this.intervalMs > 0) {
      this.interval = setInterval(tick, this.intervalMs);
      this.interval.unref();
    }
  }

  /** Runs once `at` has passed (the end of an undo window), so a delete is purged without waiting for the interval. */
  runAt(at: Date): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        void this.run();
      },
      Math.max(0, at.getTime() - Date.now()) + 50,
    );
    t.unref();
    this.timers.add(t);
  }

  /** One run at a time; a run asked for meanwhile follows it. Never rejects: failures are logged. */
  run(): Promise<PurgeResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runDue()
      .catch((err: unknown) => {
        this.log.warn({ event: 'voicemail-purge-failed', reason: (err as Error).message }, 'voicemail purge waits for the database');
        return { purged: 0, failed: 0 };
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.run();
        }
      });
    return this.running;
  }

  private async runDue(): Promise<PurgeResult> {
    const result = { purged: 0, failed: 0 };
    for (;;) {
      const claimed = await sql<{ id: string; recording_sid: string; purge_attempts: number }>`
        UPDATE voicemails SET purge_attempts = purge_attempts + 1, purge_after = now() + make_interval(secs => ${LEASE_SECONDS})
        WHERE id IN (
          SELECT id FROM voicemails WHERE purged_at IS NULL AND deleted_at IS NOT NULL AND purge_after <= now()
          ORDER BY purge_after LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id, recording_sid, purge_attempts`.execute(this.db);
      for (const row of claimed.rows) {
        try {
          await this.remover.remove(row.recording_sid);
          await this.db.updateTable('voicemails').set({ purged_at: sql<Date>`now()`, purge_after: null, purge_error: null }).where('id', '=', row.id).execute();
          result.purged++;
        } catch (err) {
          const reason = (err as Error).message;
          const retryMs = retryDelayMs(row.purge_attempts);
          await this.db
            .updateTable('voicemails')
            .set({ purge_error: reason.slice(0, 500), purge_after: sql<Date>`now() + make_interval(secs => ${retryMs / 1000})` })
            .where('id', '=', row.id)
            .execute();
          result.failed++;
          this.log.warn({ event: 'recording-purge-failed', recordingSid: row.recording_sid, attempts: row.purge_attempts, retryInSeconds: retryMs / 1000, reason }, 'a deleted voicemail\'s recording could not be removed at Twilio; trying again later');
        }
      }
      if (claimed.rows.length < BATCH || this.stopped) break;
    }
    if (result.purged > 0 || result.failed > 0) this.log.info({ event: 'voicemail-purge', ...result }, 'recordings of deleted voicemails removed at Twilio');
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.interval) clearInterval(this.interval);
    await this.running;
  }
}
