/**
 * Call control finds a moved call's state in its latest live-call event (calls/repository.ts), by the
 * call's history id or by its conference's name, after a restart or on a replica that never saw it.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX events_live_call_by_id ON events ((payload->'state'->>'id'), id) WHERE type = 'live-call'`.execute(db);
  await sql`CREATE INDEX events_live_call_by_room ON events ((payload->'state'->>'room'), id) WHERE type = 'live-call'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS events_live_call_by_id`.execute(db);
  await sql`DROP INDEX IF EXISTS events_live_call_by_room`.execute(db);
}
