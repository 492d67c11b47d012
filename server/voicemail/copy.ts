/**
 * VOICEMAIL_STORE=database: the copy job downloads each message's audio (.wav) from Twilio with the
 * account's key, stores it in PostgreSQL (voicemail_audio, migration 0005) and, only once that is
 * committed, removes the recording at Twilio. Until then the audio route still plays it from Twilio.
 *
 * The voicemail rows are the stored job, as for the purge (purge.ts): every message not yet copied is due
 * (one recorded while the store was `twilio` too), each run claims the due rows (SKIP LOCKED, with a lease,
 * so a copy cut short by a crash is taken again), and a failure is tried again with backoff. Each step can
 * be repeated: a copy already stored is not downloaded again, a recording already gone at Twilio counts as
 * removed. A message deleted and purged meanwhile is not copied (the purge removes the copy too).
 */
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db, StoreLogger } from '../store/database';
import { retryDelayMs, StoredJob } from './job';
import type { RecordingMedia } from './media';
import type { RecordingRemover } from './purge';

/** How often due copies are looked for: retries, restarts and messages healed from Twilio's list. */
export const COPY_INTERVAL_MS = 60_000;
/** A claimed copy not finished by then is taken again. */
const LEASE_SECONDS = 300;
const BATCH = 20;
/** An hour of 8 kHz 16-bit mono WAV (VOICEMAIL_MAX_SECONDS at most) is 57.6 MB; anything far bigger is not a voicemail. */
export const MAX_AUDIO_BYTES = 64 * 1024 * 1024;

export interface CopyResult {
  copied: number;
  failed: number;
  /** Gone at Twilio before it could be copied: nothing to copy, never tried again. */
  gone: number;
}

type Downloaded = { kind: 'audio'; contentType: string; bytes: Buffer } | { kind: 'gone' };

async function collect(body: Readable, expected: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_AUDIO_BYTES) {
      body.destroy();
      throw new Error(`the recording is larger than ${MAX_AUDIO_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (expected !== undefined && size !== expected) throw new Error(`the download ended after ${size} of ${expected} bytes`);
  return Buffer.concat(chunks);
}

export class VoicemailCopier extends StoredJob<CopyResult> {
  constructor(
    private readonly db: Db,
    private readonly media: RecordingMedia,
    private readonly remover: RecordingRemover,
    log: StoreLogger,
    intervalMs = COPY_INTERVAL_MS,
  ) {
    super(log, intervalMs, () => ({ copied: 0, failed: 0, gone: 0 }), 'voicemail-copy-failed');
  }

  private async download(recordingSid: string): Promise<Downloaded> {
    const answer = await this.media.open(recordingSid);
    if (answer.kind === 'gone') return answer;
    if (answer.kind === 'failed') throw new Error(answer.reason);
    if (answer.status !== 200) {
      answer.body.destroy();
      throw new Error(`Twilio answered ${answer.status} for the whole recording`);
    }
    return { kind: 'audio', contentType: answer.contentType, bytes: await collect(answer.body, answer.contentLength) };
  }

  /** Stores the copy unless the message was purged meanwhile; false then. */
  private async store(id: string, audio: { contentType: string; bytes: Buffer }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const live = await trx.selectFrom('voicemails').select('id').where('id', '=', id).where('purged_at', 'is', null).forUpdate().executeTakeFirst();
      if (!live) return false;
      await trx
        .insertInto('voicemail_audio')
        .values({ voicemail_id: id, content_type: audio.contentType, size: audio.bytes.length, audio: audio.bytes })
        .onConflict((oc) => oc.column('voicemail_id').doNothing())
        .execute();
      return true;
    });
  }

  /** Copies one message; 'gone' when Twilio no longer has it and there is no copy. */
  private async copy(id: string, recordingSid: string): Promise<'copied' | 'gone' | 'purged'> {
    const stored = await this.db.selectFrom('voicemail_audio').select('size').where('voicemail_id', '=', id).executeTakeFirst();
    if (!stored) {
      const audio = await this.download(recordingSid);
      if (audio.kind === 'gone') return 'gone';
      if (!(await this.store(id, audio))) return 'purged';
    }
    // Only after the copy is committed: from here on the database has the only one.
    await this.remover.remove(recordingSid);
    await this.db.updateTable('voicemails').set({ copied_at: sql<Date>`now()`, copy_after: null, copy_error: null }).where('id', '=', id).execute();
    return 'copied';
  }

  protected async runDue(): Promise<CopyResult> {
    const result: CopyResult = { copied: 0, failed: 0, gone: 0 };
    // Every message not copied yet is due: new ones, healed ones, and those from before the store was `database`.
    await this.db
      .updateTable('voicemails')
      .set({ copy_after: sql<Date>`now()` })
      .where('copy_after', 'is', null)
      .where('copied_at', 'is', null)
      .where('copy_error', 'is', null)
      .where('deleted_at', 'is', null)
      .execute();
    for (;;) {
      const claimed = await sql<{ id: string; recording_sid: string; copy_attempts: number }>`
        UPDATE voicemails SET copy_attempts = copy_attempts + 1, copy_after = now() + make_interval(secs => ${LEASE_SECONDS})
        WHERE id IN (
          SELECT id FROM voicemails WHERE copied_at IS NULL AND deleted_at IS NULL AND copy_after <= now()
          ORDER BY copy_after LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id, recording_sid, copy_attempts`.execute(this.db);
      for (const row of claimed.rows) {
        try {
          const outcome = await this.copy(row.id, row.recording_sid);
          if (outcome === 'copied') result.copied++;
          else {
            if (outcome === 'gone') result.gone++;
            const reason = outcome === 'gone' ? 'the recording was gone at Twilio before it was copied' : 'purged before it was copied';
            await this.db.updateTable('voicemails').set({ copy_after: null, copy_error: reason }).where('id', '=', row.id).execute();
          }
        } catch (err) {
          const reason = (err as Error).message;
          const retryMs = retryDelayMs(row.copy_attempts);
          await this.db
            .updateTable('voicemails')
            .set({ copy_error: reason.slice(0, 500), copy_after: sql<Date>`now() + make_interval(secs => ${retryMs / 1000})` })
            .where('id', '=', row.id)
            .execute();
          result.failed++;
          this.log.warn({ event: 'recording-copy-failed', recordingSid: row.recording_sid, attempts: row.copy_attempts, retryInSeconds: retryMs / 1000, reason }, "a voicemail's audio could not be copied from Twilio; it stays there and plays from there; trying again later");
        }
      }
      if (claimed.rows.length < BATCH || this.stopped) break;
    }
    if (result.copied > 0 || result.failed > 0 || result.gone > 0) this.log.info({ event: 'voicemail-copy', ...result }, 'voicemail audio copied into the database and removed at Twilio');
    return result;
  }
}
