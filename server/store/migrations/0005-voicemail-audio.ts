/**
 * VOICEMAIL_STORE=database (server/voicemail/copy.ts): a message's audio is copied from Twilio into
 * `voicemail_audio` and then removed at Twilio. The voicemail row is the stored job, as for the purge:
 * `copy_after` says when a copy is due (or, once claimed, when a stalled attempt may be taken again),
 * `copy_attempts` counts attempts for the backoff, `copied_at` says the copy is stored and Twilio's is gone.
 * The audio has its own table so that listing voicemails never reads it; it goes with its voicemail.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE voicemails
      ADD COLUMN copy_after timestamptz,
      ADD COLUMN copy_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN copy_error text,
      ADD COLUMN copied_at timestamptz`.execute(db);
  await sql`CREATE INDEX voicemails_copy_due ON voicemails (copy_after) WHERE copied_at IS NULL AND copy_after IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE voicemail_audio (
      voicemail_id bigint PRIMARY KEY REFERENCES voicemails (id) ON DELETE CASCADE,
      content_type text NOT NULL,
      size integer NOT NULL,
      audio bytea NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Already compressed or incompressible PCM: storing it as it is spares PostgreSQL a futile compression.
  await sql`ALTER TABLE voicemail_audio ALTER COLUMN audio SET STORAGE EXTERNAL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS voicemail_audio`.execute(db);
  await sql`DROP INDEX IF EXISTS voicemails_copy_due`.execute(db);
  await sql`ALTER TABLE voicemails DROP COLUMN copy_after, DROP COLUMN copy_attempts, DROP COLUMN copy_error, DROP COLUMN copied_at`.execute(db);
}
