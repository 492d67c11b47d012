/** "Call via my phone" (server/click-to-call/): the personal number each user keeps, E.164. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE personal_numbers (
      user_name text PRIMARY KEY,
      number text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS personal_numbers`.execute(db);
}
