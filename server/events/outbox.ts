/**
 * The live events' outbox: events are rows written in the same transaction as the change they announce,
 * so an event exists exactly when its change was committed. Their ids are the stream's Last-Event-ID.
 *
 * Ids must grow in commit order, or a reader that has seen id 11 could later miss 10 committing after it.
 * A sequence alone hands out ids in the order transactions ask, not the order they commit; so each
 * transaction takes one short lock just before it writes its events, at its very end, and holds it until it
 * commits. NOTIFY, sent in the same transaction, reaches every replica's listener at commit.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../store/schema';

export const EVENTS_CHANNEL = 'softphone_events';
/** The maintenance row whose `position` is the highest event id deleted by retention. */
export const EVENT_RETENTION_JOB = 'event-retention';
/** Events are kept this long: a stream away for longer starts over with `reset`. */
export const EVENT_RETENTION_HOURS = 48;
const OUTBOX_LOCK = [0x50484f4e, 2] as const;

export type StoredEventType = 'call' | 'live-call' | 'presence' | 'unseen' | 'message' | 'conversation' | 'voicemail' | 'voicemail-deleted' | 'click-to-call';

export interface NewEvent {
  type: StoredEventType;
  /** The users it is for; null: everyone. */
  audience: string[] | null;
  payload: Record<string, unknown>;
}

/** Call last in a transaction: it serialises commits from here on. */
export async function appendEvents(trx: Transaction<Schema>, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK[0]}::int, ${OUTBOX_LOCK[1]}::int)`.execute(trx);
  await trx
    .insertInto('events')
    .values(events.map((e) => ({ type: e.type, audience: e.audience, payload: JSON.stringify(e.payload) })))
    .execute();
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
}

/** Deletes events older than the retention and records up to which id, so replays know what is gone. */
export async function purgeEvents(db: Kysely<Schema>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('events')
      .where('at', '<', sql<Date>`now() - make_interval(hours => ${EVENT_RETENTION_HOURS})`)
      .returning('id')
      .execute();
    if (gone.length === 0) return 0;
    const top = gone.reduce((m, r) => Math.max(m, Number(r.id)), 0);
    await trx
      .insertInto('maintenance')
      .values({ job: EVENT_RETENTION_JOB, last_run: new Date(), position: String(top) })
      .onConflict((oc) => oc.column('job').doUpdateSet({ last_run: new Date(), position: sql`greatest(maintenance.position, ${String(top)}::bigint)` }))
      .execute();
    return gone.length;
  });
}
