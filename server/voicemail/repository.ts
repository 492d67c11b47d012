/**
 * Voicemails in PostgreSQL. A recording status callback is one more fact of its call: `record` stores it
 * with the call's refold (outcome voicemail) and, for a real message, the voicemail row, in one
 * transaction with the events they imply, so the callback is acknowledged only once all of it is
 * committed. The row is keyed by RecordingSid: Twilio's retries add nothing.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Voicemail } from '../../contracts/api/voicemails';
import { appendEvents } from '../events/outbox';
import type { NewEvent } from '../events/outbox';
import { isMessage } from '../history/facts';
import type { CallFact } from '../history/facts';
import type { HistoryRepository } from '../history/repository';
import { unseenCounts, unseenEvent } from '../history/team-state';
import type { Db } from '../store/database';
import type { Schema, VoicemailsTable } from '../store/schema';

export type RecordingFact = Extract<CallFact, { kind: 'recording' }>;
/** A voicemail as every user sees it; `heard` is added per user (withHeard). */
export type SharedVoicemail = Omit<Voicemail, 'heard'>;
export type VoicemailRow = Selectable<VoicemailsTable>;

/** The list is the team's inbox, not an archive: the newest this many. */
export const MAX_LISTED = 200;

export function withHeard(v: SharedVoicemail, user: string): Voicemail {
  // Field by field, in the contract's order (an event's payload read back from JSONB has another order).
  return { id: v.id, callId: v.callId, from: v.from, durationSeconds: v.durationSeconds, createdAt: v.createdAt, heard: v.heardBy.includes(user), heardBy: v.heardBy };
}

export const voicemailEvent = (v: SharedVoicemail): NewEvent => ({ type: 'voicemail', audience: null, payload: { voicemail: v } });
const deletedEvent = (id: string): NewEvent => ({ type: 'voicemail-deleted', audience: null, payload: { id } });

export interface StoredAudioInfo {
  recordingSid: string;
  /** VOICEMAIL_STORE=database, once the copy job has stored it. */
  stored: { size: number; contentType: string } | undefined;
}

/** How long a deleted voicemail can be restored before its recording is removed at Twilio. */
export const UNDO_MS = 10_000;

export type Restored = { kind: 'restored'; voicemail: Voicemail } | { kind: 'missing' } | { kind: 'too-late' };

/** The voicemails with their call's caller and history id (null while the call's record is not known yet). */
function shared(db: Kysely<Schema>) {
  return db
    .selectFrom('voicemails as v')
    .leftJoin('calls as c', 'c.call_sid', 'v.call_sid')
    .select(['v.id', 'v.recording_sid', 'v.duration_seconds', 'v.created_at', 'v.heard_by', 'c.id as call_id', 'c.from_number'])
    .where('v.deleted_at', 'is', null);
}

type SharedRow = Awaited<ReturnType<ReturnType<typeof shared>['executeTakeFirstOrThrow']>>;

const toShared = (r: SharedRow): SharedVoicemail => ({
  id: String(r.id),
  callId: r.call_id === null ? null : String(r.call_id),
  from: r.from_number ?? '',
  durationSeconds: r.duration_seconds,
  createdAt: r.created_at.toISOString(),
  heardBy: [...r.heard_by].sort(),
});

export class VoicemailRepository {
  constructor(
    private readonly db: Db,
    private readonly history: HistoryRepository,
  ) {}

  /** Stores a recording callback; returns the voicemail when this callback created it. */
  async record(fact: RecordingFact): Promise<SharedVoicemail | undefined> {
    return this.db.transaction().execute(async (trx) => {
      // Before the refold: its unseen counts then already count the new message.
      const created = isMessage(fact)
        ? await trx
            .insertInto('voicemails')
            .values({ recording_sid: fact.recording, call_sid: fact.call, duration_seconds: fact.duration!, created_at: fact.at })
            .onConflict((oc) => oc.column('recording_sid').doNothing())
            .returning('id')
            .executeTakeFirst()
        : undefined;
      await this.history.recordIn(trx, [fact]);
      if (!created) return undefined;
      const voicemail = toShared(await shared(trx).where('v.id', '=', created.id).executeTakeFirstOrThrow());
      // Everyone has one more unheard message.
      await appendEvents(trx, [voicemailEvent(voicemail), ...(await unseenCounts(trx)).map(unseenEvent)]);
      return voicemail;
    });
  }

  async list(user: string): Promise<Voicemail[]> {
    const rows = await shared(this.db).orderBy('v.created_at', 'desc').orderBy('v.id', 'desc').limit(MAX_LISTED).execute();
    return rows.map((r) => withHeard(toShared(r), user));
  }

  /** Where the audio of a voicemail that is not deleted is: its copy in the database when there is one, else at Twilio. */
  async audioOf(id: string): Promise<StoredAudioInfo | undefined> {
    const row = await this.db
      .selectFrom('voicemails as v')
      .leftJoin('voicemail_audio as a', 'a.voicemail_id', 'v.id')
      .select(['v.recording_sid', 'a.size', 'a.content_type'])
      .where('v.id', '=', id)
      .where('v.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return { recordingSid: row.recording_sid, stored: row.size === null || row.content_type === null ? undefined : { size: row.size, contentType: row.content_type } };
  }

  /** Bytes start..end (inclusive) of its copy in the database; only those leave PostgreSQL. Undefined when the copy is gone. */
  async storedAudio(id: string, start: number, end: number): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('voicemail_audio')
      .select(sql<Buffer>`substring(audio FROM ${start + 1} FOR ${end - start + 1})`.as('part'))
      .where('voicemail_id', '=', id)
      .executeTakeFirst();
    return row?.part;
  }

  /**
   * Deletes it for the whole team: hidden at once (announced live), its recording removed at Twilio by the
   * purge job once `undoMs` has passed. Returns when it can be restored until; undefined when there is no such
   * voicemail (or it is deleted already).
   */
  async remove(id: string, undoMs = UNDO_MS): Promise<{ id: string; restorableUntil: Date } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('voicemails')
        .set({ deleted_at: sql<Date>`now()`, purge_after: sql<Date>`now() + make_interval(secs => ${undoMs / 1000})`, purge_attempts: 0, purge_error: null })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returning(['id', 'purge_after'])
        .executeTakeFirst();
      if (!row) return undefined;
      await appendEvents(trx, [deletedEvent(String(row.id)), ...(await unseenCounts(trx)).map(unseenEvent)]);
      return { id: String(row.id), restorableUntil: row.purge_after! };
    });
  }

  /** Undoes a delete while the purge has not started; announced live like a new message. */
  async restore(user: string, id: string): Promise<Restored> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('voicemails')
        .set({ deleted_at: null, purge_after: null, purge_attempts: 0, purge_error: null })
        .where('id', '=', id)
        .where('deleted_at', 'is not', null)
        .where('purged_at', 'is', null)
        // Once the purge job has claimed it (an attempt counted), the recording may be gone at Twilio.
        .where('purge_attempts', '=', 0)
        .where(sql<boolean>`purge_after > now()`)
        .returning('id')
        .executeTakeFirst();
      const row = await shared(trx).where('v.id', '=', id).executeTakeFirst();
      if (!updated) {
        if (row) return { kind: 'restored', voicemail: withHeard(toShared(row), user) };
        const known = await trx.selectFrom('voicemails').select('id').where('id', '=', id).executeTakeFirst();
        return known ? { kind: 'too-late' } : { kind: 'missing' };
      }
      const voicemail = toShared(row!);
      await appendEvents(trx, [voicemailEvent(voicemail), ...(await unseenCounts(trx)).map(unseenEvent)]);
      return { kind: 'restored', voicemail: withHeard(voicemail, user) };
    });
  }

  /** Retention: voicemails older than `days` are deleted, their recordings due for removal at once. */
  async expire(days: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .updateTable('voicemails')
        .set({ deleted_at: sql<Date>`now()`, purge_after: sql<Date>`now()`, purge_attempts: 0, purge_error: null })
        .where('deleted_at', 'is', null)
        .where('created_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
        .returning('id')
        .execute();
      if (gone.length > 0) await appendEvents(trx, [...gone.map((r) => deletedEvent(String(r.id))), ...(await unseenCounts(trx)).map(unseenEvent)]);
      return gone.length;
    });
  }

  /** Purged rows (tombstones) older than `days`: by then no callback or heal can bring their message back. */
  async forgetPurged(days: number): Promise<number> {
    const gone = await this.db.deleteFrom('voicemails').where('purged_at', '<', sql<Date>`now() - make_interval(days => ${days})`).executeTakeFirst();
    return Number(gone.numDeletedRows);
  }

  /** Marks it heard by `user` (once; again changes nothing); undefined when there is no such voicemail. */
  async markHeard(user: string, id: string): Promise<Voicemail | undefined> {
    return this.db.transaction().execute(async (trx: Transaction<Schema>) => {
      const updated = await trx
        .updateTable('voicemails')
        .set({ heard_by: sql<string[]>`array_append(heard_by, ${user})` })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .where(sql<boolean>`NOT (${user} = ANY(heard_by))`)
        .returning('id')
        .executeTakeFirst();
      const row = await shared(trx).where('v.id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const voicemail = toShared(row);
      if (updated) await appendEvents(trx, [voicemailEvent(voicemail), ...(await unseenCounts(trx, [user])).map(unseenEvent)]);
      return withHeard(voicemail, user);
    });
  }
}
