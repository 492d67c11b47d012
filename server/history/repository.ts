/**
 * The call history in PostgreSQL: facts in, records out. `record` stores a call's new facts and refolds
 * the call in one transaction, with the team state and the events it implies, so a callback is
 * acknowledged only once all of that is committed. Concurrent callbacks of one call take turns on an
 * advisory lock keyed by its CallSid; callbacks of different calls do not wait for each other.
 */
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Schema } from '../store/schema';
import type { CallList, CallListQuery, Unseen } from '../../contracts/api/history';
import { appendEvents } from '../events/outbox';
import type { NewEvent } from '../events/outbox';
import type { Db } from '../store/database';
import { factKey } from './facts';
import type { CallFact } from './facts';
import { foldCall } from './fold';
import { decodeCursor, encodeCursor, foldedColumns, MISSED_OUTCOMES, sameFold, sharedRecord, withSeen } from './records';
import type { CallRow } from './records';
import { callEvent, findCallBack, markCalledBack, unseenChanges, unseenCounts, unseenEvent, unseenOf, updateOnCall } from './team-state';

const CALL_LOCK = 0x50484f4e;
/** Ten ring-group legs with four events each, the parent, the action and healing's records fit many times over. */
export const MAX_FACTS_PER_CALL = 400;

export class BadCursorError extends Error {
  constructor() {
    super('The `before` cursor is not one this server gave out; start again without it.');
  }
}

export interface RecordResult {
  /** The record changed (and its events were written). */
  changed: boolean;
  row?: CallRow;
}

export class HistoryRepository {
  constructor(private readonly db: Db) {}

  /** Stores facts of one call (all with the same `call`) and refolds it; duplicates change nothing. */
  async record(facts: readonly CallFact[]): Promise<RecordResult> {
    const call = facts[0]?.call;
    if (call === undefined) return { changed: false };
    if (facts.some((f) => f.call !== call)) throw new Error('record() takes the facts of one call');
    return this.db.transaction().execute((trx) => this.recordIn(trx, facts));
  }

  /**
   * The same inside a transaction the caller owns (the voicemail's callback writes its row with the call's
   * refold, so both commit or neither). Call it last before commit: it appends events.
   */
  async recordIn(trx: Transaction<Schema>, facts: readonly CallFact[]): Promise<RecordResult> {
    const call = facts[0]?.call;
    if (call === undefined) return { changed: false };
    await sql`SELECT pg_advisory_xact_lock(${CALL_LOCK}::int, hashtext(${call}))`.execute(trx);
    const known = (await trx.selectFrom('call_facts').select('fact').where('call_sid', '=', call).execute()).map((k) => k.fact);
    // A real call has a few dozen facts; beyond this, something is replaying junk under one CallSid.
    if (known.length >= MAX_FACTS_PER_CALL) return { changed: false };
    const inserted = await trx
      .insertInto('call_facts')
      .values(facts.map((f) => ({ call_sid: call, fact_key: factKey(f), fact: JSON.stringify(f) })))
      .onConflict((oc) => oc.column('fact_key').doNothing())
      .returning('fact_key')
      .execute();
    if (inserted.length === 0) return { changed: false };
    const added = new Set(inserted.map((i) => i.fact_key));
    const folded = foldCall(call, [...known, ...facts.filter((f) => added.has(factKey(f)))]);
    if (!folded) return { changed: false };
    const before = await trx.selectFrom('calls').selectAll().where('call_sid', '=', call).executeTakeFirst();
    if (before && sameFold(before, folded)) return { changed: false, row: before };

    const columns = foldedColumns(folded);
    let row = await trx
      .insertInto('calls')
      .values(columns)
      .onConflict((oc) => oc.column('call_sid').doUpdateSet({ ...columns, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    row = await findCallBack(trx, row);
    const events: NewEvent[] = [
      callEvent(row),
      ...(await markCalledBack(trx, row)),
      ...(await updateOnCall(trx, before, row)),
      ...(await unseenChanges(trx, before, row)),
    ];
    await appendEvents(trx, events);
    return { changed: true, row };
  }

  /** The record of a call by its (parent) CallSid. */
  get(callSid: string): Promise<CallRow | undefined> {
    return this.db.selectFrom('calls').selectAll().where('call_sid', '=', callSid).executeTakeFirst();
  }

  /** The user's page of history: the team's inbound calls and their own outbound and internal ones. */
  async list(user: string, query: CallListQuery): Promise<CallList> {
    const limit = query.limit ?? 30;
    const cursor = query.before === undefined ? undefined : decodeCursor(query.before);
    if (query.before !== undefined && cursor === undefined) throw new BadCursorError();
    const member = await this.db.selectFrom('team_members').select('seen_up_to').where('user_name', '=', user).executeTakeFirst();
    let q = this.db.selectFrom('calls').selectAll();
    q =
      query.filter === 'missed'
        ? q.where('direction', '=', 'inbound').where('outcome', 'in', MISSED_OUTCOMES)
        : q.where((eb) => eb.or([eb('direction', '=', 'inbound'), eb('caller_user', '=', user), eb('callee_user', '=', user)]));
    if (cursor) q = q.where(sql<boolean>`(started_at, id) < (${cursor.startedAt}, ${cursor.id}::bigint)`);
    const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => withSeen(sharedRecord(row), member?.seen_up_to ?? null)),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
    };
  }

  async unseen(user: string): Promise<Unseen> {
    const [row] = await unseenCounts(this.db, [user]);
    return unseenOf(row);
  }

  /** Moves the user's watermark forward to `upTo` (at most now); every device of theirs hears the new count. */
  async markSeen(user: string, upTo: Date | undefined): Promise<Unseen> {
    return this.db.transaction().execute(async (trx) => {
      const mark = upTo === undefined ? sql<Date>`now()` : sql<Date>`least(${upTo}::timestamptz, now())`;
      await trx
        .updateTable('team_members')
        .set({ seen_up_to: sql`greatest(coalesce(seen_up_to, '-infinity'::timestamptz), ${mark})`, updated_at: sql`now()` })
        .where('user_name', '=', user)
        .execute();
      const [counts] = await unseenCounts(trx, [user]);
      const result = { user, missedCalls: counts?.missedCalls ?? 0, voicemails: counts?.voicemails ?? 0, seenUpTo: counts?.seenUpTo ?? null };
      await appendEvents(trx, [unseenEvent(result)]);
      return unseenOf(result);
    });
  }

  /** Deletes calls (and their facts) older than the retention, in batches; returns how many calls went. */
  async purge(retentionDays: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.db
        .deleteFrom('calls')
        .where('id', 'in', (eb) =>
          eb.selectFrom('calls').select('id').where('started_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`).limit(5000),
        )
        .returning('call_sid')
        .execute();
      if (batch.length > 0) await this.db.deleteFrom('call_facts').where('call_sid', 'in', batch.map((b) => b.call_sid)).execute();
      deleted += batch.length;
      if (batch.length < 5000) break;
    }
    // Facts of calls that never made a record (a dialled leg's callbacks alone) go by age.
    await this.db.deleteFrom('call_facts').where('received_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`).execute();
    return deleted;
  }
}
