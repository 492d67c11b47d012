/**
 * Healing a call that moved into a conference: its record stays open until the conference's end callback
 * (history/conference.ts), so when that callback was lost (the database or the server was down) the call
 * would look live for ever. Twilio keeps each conference, with its status and when it last changed: a call
 * still open here whose conference Twilio says is completed gets the end its callback would have brought.
 * Ends are one per conference (facts.ts keys them by conference alone), so the real callback arriving
 * after a heal, or a second heal, is the same fact and changes nothing.
 */
import { sql } from 'kysely';
import type { Db } from '../store/database';
import { conferenceFact } from './facts';
import type { HistoryRepository } from './repository';

/** What healing reads of a conference (REST Conferences/{Sid}). */
export interface RestConference {
  sid: string;
  friendlyName: string;
  /** init, in-progress or completed. */
  status: string;
  dateUpdated: Date | null;
}

/** Looks a conference up by its SID; undefined when Twilio does not know it. */
export type ConferenceLookup = (sid: string) => Promise<RestConference | undefined>;

export interface ConferenceHealResult {
  /** Open calls in a conference that were looked up. */
  checked: number;
  /** Calls closed because their conference had ended. */
  closed: number;
}

/** At most this many conferences are looked up per run: each is one REST request. */
const MAX_LOOKUPS = 200;

/**
 * Closes open calls started since `since` whose conference has completed at Twilio. The closed record's
 * `call` event ends the call in call control's memory on every replica (calls/control.ts). A lookup that
 * fails stops the run: the next one tries again.
 */
export async function healConferences(
  db: Db,
  history: Pick<HistoryRepository, 'record'>,
  lookup: ConferenceLookup,
  since: Date,
  receivedAt: Date,
): Promise<ConferenceHealResult> {
  const open = await db
    .selectFrom('call_facts as f')
    .innerJoin('calls as c', 'c.call_sid', 'f.call_sid')
    .select('c.call_sid as callSid')
    .select(sql<string>`f.fact->>'conference'`.as('conference'))
    .where('c.ended_at', 'is', null)
    .where('c.started_at', '>=', since)
    .where(sql`f.fact->>'kind'`, '=', 'conference')
    .groupBy(['c.call_sid', sql`f.fact->>'conference'`])
    .having(sql<boolean>`bool_and(f.fact->>'event' <> 'end')`)
    // Oldest first: the longer a call has looked live, the likelier its end was lost.
    .orderBy(sql`min(c.started_at)`)
    .limit(MAX_LOOKUPS)
    .execute();
  let closed = 0;
  for (const { callSid, conference } of open) {
    const found = await lookup(conference);
    if (found?.status !== 'completed') continue;
    const at = found.dateUpdated && !Number.isNaN(found.dateUpdated.getTime()) ? found.dateUpdated : receivedAt;
    const params = { StatusCallbackEvent: 'conference-end', ConferenceSid: conference, FriendlyName: found.friendlyName, Timestamp: at.toISOString() };
    const fact = conferenceFact(callSid, params, '', receivedAt);
    if (!fact) continue;
    if ((await history.record([fact])).changed) closed++;
  }
  return { checked: open.length, closed };
}
