/**
 * Deleting a voicemail (server/voicemail/purge.ts): the row is marked deleted at once and its recording is
 * removed at Twilio once the undo window has passed. The row itself is the stored job, so a restart does
 * not forget it: `purge_after` says when it is due (or, once claimed, when a stalled attempt may be taken
 * again), `purge_attempts` counts attempts (backing off after failures), `purged_at` says it is done. The
 * purged row stays as a tombstone: a late recording callback or healing must not bring it back.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE voicemails
      ADD COLUMN purge_after timestamptz,
      ADD COLUMN purge_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN purge_error text,
      ADD COLUMN purged_at timestamptz`.execute(db);
  await sql`CREATE INDEX voicemails_purge_due ON voicemails (purge_after) WHERE purged_at IS NULL AND purge_after IS NOT NULL`.execute(db);
  await sql`CREATE INDEX voicemails_oldest ON voicemails (created_at) WHERE deleted_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS voicemails_oldest`.execute(db);
  await sql`DROP INDEX IF EXISTS voicemails_purge_due`.execute(db);
  await sql`ALTER TABLE voicemails DROP COLUMN purge_after, DROP COLUMN purge_attempts, DROP COLUMN purge_error, DROP COLUMN purged_at`.execute(db);
}
