/**
 * What one call's change means for the rest of the team, computed inside the transaction that changes it:
 * earlier missed calls from the same number are now called back (or this missed call already was), users
 * start or stop being on a call, and unseen counts move. Each returns the events to announce.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Unseen } from '../../contracts/api/history';
import type { NewEvent } from '../events/outbox';
import type { Schema } from '../store/schema';
import { audienceOf, isMissed, MISSED_OUTCOMES, sharedRecord } from './records';
import type { CallRow } from './records';

type Trx = Transaction<Schema>;

/** A call not ended after this long is taken to have lost its last callback (healing fixes it later). */
export const LIVE_CALL_HOURS = 4;
const E164 = /^\+[1-9]\d{6,14}$/;

export const callEvent = (row: CallRow): NewEvent => ({ type: 'call', audience: audienceOf(row), payload: { call: sharedRecord(row) } });

/** Who calls back which number, and when, by placing or answering this call; undefined if it calls nobody back. */
function callingBack(row: CallRow): { user: string; number: string; at: Date } | undefined {
  if (row.direction === 'outbound' && row.caller_user !== null && row.outcome !== 'failed' && E164.test(row.to_number)) {
    return { user: row.caller_user, number: row.to_number, at: row.started_at };
  }
  if (row.direction === 'inbound' && row.answered_by !== null && row.answered_at !== null && E164.test(row.from_number)) {
    return { user: row.answered_by, number: row.from_number, at: row.answered_at };
  }
  return undefined;
}

/** Missed calls from the number this call reaches are called back by its user; returns their events. */
export async function markCalledBack(trx: Trx, row: CallRow): Promise<NewEvent[]> {
  const back = callingBack(row);
  if (!back) return [];
  const updated = await trx
    .updateTable('calls')
    .set({ called_back_by: back.user, called_back_at: back.at, updated_at: sql`now()` })
    .where('direction', '=', 'inbound')
    .where('outcome', 'in', MISSED_OUTCOMES)
    .where('from_number', '=', back.number)
    .where('called_back_by', 'is', null)
    .where('started_at', '<', back.at)
    .where('id', '<>', row.id)
    .returningAll()
    .execute();
  return updated.map(callEvent);
}

/**
 * A missed call whose callback was recorded first (callbacks come in any order): the earliest later call
 * to or answered from its number calls it back. Returns the row as it is now.
 */
export async function findCallBack(trx: Trx, row: CallRow): Promise<CallRow> {
  if (row.direction !== 'inbound' || !isMissed(row.outcome) || row.called_back_by !== null || !E164.test(row.from_number)) return row;
  const placed = trx
    .selectFrom('calls')
    .select(['caller_user as user', 'started_at as at'])
    .where('direction', '=', 'outbound')
    .where('to_number', '=', row.from_number)
    .where('caller_user', 'is not', null)
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '<>', 'failed')]))
    .where('started_at', '>', row.started_at);
  const answered = trx
    .selectFrom('calls')
    .select(['answered_by as user', 'answered_at as at'])
    .where('direction', '=', 'inbound')
    .where('from_number', '=', row.from_number)
    .where('answered_by', 'is not', null)
    .where('answered_at', '>', row.started_at)
    .$narrowType<{ at: Date }>();
  const first = await trx
    .selectFrom(placed.unionAll(answered).as('later'))
    .select(['later.user', 'later.at'])
    .orderBy('later.at')
    .limit(1)
    .executeTakeFirst();
  if (!first?.user || !first.at) return row;
  return trx
    .updateTable('calls')
    .set({ called_back_by: first.user, called_back_at: first.at, updated_at: sql`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Recomputes "on a call" for the users this call involves (before and after); presence events for changes. */
export async function updateOnCall(trx: Trx, before: CallRow | undefined, after: CallRow): Promise<NewEvent[]> {
  const users = new Set([before?.caller_user, before?.answered_by, after.caller_user, after.answered_by].filter((u): u is string => !!u));
  const events: NewEvent[] = [];
  for (const user of users) {
    const live = sql<boolean>`EXISTS (
      SELECT 1 FROM calls WHERE ended_at IS NULL AND started_at > now() - make_interval(hours => ${LIVE_CALL_HOURS})
      AND (caller_user = ${user} OR answered_by = ${user}))`;
    const changed = await trx
      .updateTable('team_members')
      .set({ on_call: live, updated_at: sql`now()` })
      .where('user_name', '=', user)
      .where(sql<boolean>`on_call IS DISTINCT FROM ${live}`)
      .returning(['user_name', 'availability', 'on_call'])
      .executeTakeFirst();
    if (changed) events.push(presenceEvent(changed));
  }
  return events;
}

export function presenceEvent(m: { user_name: string; availability: string; on_call: boolean }): NewEvent {
  return { type: 'presence', audience: null, payload: { presence: { user: m.user_name, availability: m.availability, onCall: m.on_call } } };
}

/**
 * Missed calls each user has not seen and voicemails they have not heard (for the given users, or all).
 * Counted up to UNSEEN_COUNT_CAP each: a badge shows "999+" beyond, and a user who never looks must not
 * make every missed call cost a full count. A call with a message counts once, as a voicemail.
 */
export const UNSEEN_COUNT_CAP = 1000;

export interface UnseenCounts {
  user: string;
  missedCalls: number;
  voicemails: number;
  seenUpTo: Date | null;
}

export async function unseenCounts(db: Kysely<Schema>, users?: readonly string[]): Promise<UnseenCounts[]> {
  let query = db.selectFrom('team_members as m').select((eb) => [
    'm.user_name',
    'm.seen_up_to',
    eb
      .selectFrom((inner) =>
        inner
          .selectFrom('calls as c')
          .select('c.id')
          .where('c.direction', '=', 'inbound')
          .where('c.outcome', '=', 'missed')
          .where(sql<boolean>`c.started_at > coalesce(m.seen_up_to, '-infinity'::timestamptz)`)
          .limit(UNSEEN_COUNT_CAP)
          .as('unseen'),
      )
      .select((e) => e.fn.countAll<string>().as('n'))
      .as('missed'),
    eb
      .selectFrom((inner) =>
        inner
          .selectFrom('voicemails as v')
          .select('v.id')
          .where('v.deleted_at', 'is', null)
          .where(sql<boolean>`NOT (m.user_name = ANY(v.heard_by))`)
          .limit(UNSEEN_COUNT_CAP)
          .as('unheard'),
      )
      .select((e) => e.fn.countAll<string>().as('n'))
      .as('voicemails'),
  ]);
  if (users) query = query.where('m.user_name', 'in', users.length > 0 ? [...users] : ['']);
  const rows = await query.execute();
  return rows.map((r) => ({ user: r.user_name, missedCalls: Number(r.missed ?? 0), voicemails: Number(r.voicemails ?? 0), seenUpTo: r.seen_up_to }));
}

/** The counts as the contract's Unseen. */
export const unseenOf = (u: Omit<UnseenCounts, 'user'> | undefined): Unseen => ({
  missedCalls: u?.missedCalls ?? 0,
  voicemails: u?.voicemails ?? 0,
  seenUpTo: u?.seenUpTo?.toISOString() ?? null,
});

export const unseenEvent = (u: UnseenCounts): NewEvent => ({
  type: 'unseen',
  audience: [u.user],
  payload: { unseen: unseenOf(u) },
});

/** When a call becomes (or stops being, or moves as) a missed call, the counts of users who have not seen it. */
export async function unseenChanges(trx: Trx, before: CallRow | undefined, after: CallRow): Promise<NewEvent[]> {
  const wasMissed = before !== undefined && before.direction === 'inbound' && isMissed(before.outcome);
  const isNowMissed = after.direction === 'inbound' && isMissed(after.outcome);
  if (!wasMissed && !isNowMissed) return [];
  if (wasMissed && isNowMissed && before.started_at.getTime() === after.started_at.getTime()) return [];
  // Users for whom it is unseen, before or after.
  const latest = new Date(Math.max(after.started_at.getTime(), before?.started_at.getTime() ?? 0));
  const affected = await trx
    .selectFrom('team_members')
    .select('user_name')
    .where((eb) => eb.or([eb('seen_up_to', 'is', null), eb('seen_up_to', '<', latest)]))
    .execute();
  if (affected.length === 0) return [];
  return (await unseenCounts(trx, affected.map((a) => a.user_name))).map(unseenEvent);
}
