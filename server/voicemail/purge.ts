/**
 * The purge job: removes the recordings of deleted voicemails at Twilio (REST `recordings(sid).remove()`),
 * so nothing lingers there. The voicemail rows are the stored job (migration 0004): a delete sets
 * `purge_after` to the end of its undo window, retention to now. Each run claims the due rows (SKIP LOCKED,
 * so replicas never take the same one; the claim pushes `purge_after` out as a lease, so an attempt cut
 * short by a crash is taken again), removes each recording and marks it purged. A recording already gone
 * counts as removed, so a repeated attempt changes nothing; a failed one is tried again with backoff. A copy
 * of its audio in the database (VOICEMAIL_STORE=database) is deleted with it.
 */
import { sql } from 'kysely';
import twilio from 'twilio';
import type { CallLogAccount } from '../history/heal';
import type { Db, StoreLogger } from '../store/database';
import { retryDelayMs, StoredJob } from './job';

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

export { retryDelayMs };

export interface PurgeResult {
  purged: number;
  failed: number;
}

export class VoicemailPurger extends StoredJob<PurgeResult> {
  constructor(
    private readonly db: Db,
    private readonly remover: RecordingRemover,
    log: StoreLogger,
    intervalMs = PURGE_INTERVAL_MS,
  ) {
    super(log, intervalMs, () => ({ purged: 0, failed: 0 }), 'voicemail-purge-failed');
  }

  protected async runDue(): Promise<PurgeResult> {
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
          // Its copy in the database (VOICEMAIL_STORE=database) goes with it.
          await this.db.transaction().execute(async (trx) => {
            await trx.updateTable('voicemails').set({ purged_at: sql<Date>`now()`, purge_after: null, purge_error: null }).where('id', '=', row.id).execute();
            await trx.deleteFrom('voicemail_audio').where('voicemail_id', '=', row.id).execute();
          });
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
}
