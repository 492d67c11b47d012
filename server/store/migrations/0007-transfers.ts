/**
 * Call control's part of the history (server/history/conference.ts): who a transferred call went to and
 * who handed it on, and everyone who took part once a call moved into a conference.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE calls
      ADD COLUMN transferred_to text,
      ADD COLUMN transferred_by text,
      ADD COLUMN parties text[] NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calls DROP COLUMN IF EXISTS transferred_to, DROP COLUMN IF EXISTS transferred_by, DROP COLUMN IF EXISTS parties`.execute(db);
}
