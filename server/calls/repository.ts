/**
 * What call control reads from and writes to the database: a live two-party call as the history knows it
 * (its parent leg, the leg that answered and who is on each), the user's open calls, and the live-call
 * events, which reach every replica's streams through the outbox (LISTEN/NOTIFY).
 */
import { sql } from 'kysely';
import { appendEvents } from '../events/outbox';
import type { Db } from '../store/database';
import { LIVE_CALL_HOURS } from '../history/team-state';
import type { CallRow } from '../history/records';
import type { LiveCall } from '../../contracts/api/call-control';
import type { CallState, Target } from './plan';
import { conferenceFact, handoverFact } from '../history/facts';
import type { Params } from '../history/facts';
import type { HistoryRepository } from '../history/repository';

export interface LegOf {
  kind: 'user' | 'phone';
  name: string;
  callSid: string;
}

/** A live, answered two-party call: `caller` is the parent leg, `callee` the dialed leg that answered. */
export interface PlainCall {
  id: string;
  callSid: string;
  caller: LegOf;
  callee: LegOf;
}

export interface LiveCallStore {
  plainCall(id: string): Promise<PlainCall | undefined>;
  /**
   * A call moved into a conference, as its latest live-call event left it (by history id or by room), so
   * a replica that restarted or never saw it carries on from the same state; undefined if never moved.
   */
  movedCall(by: { id: string } | { room: string }): Promise<CallState | undefined>;
  /** Open answered calls the user placed, answered or joined. */
  openCallsOf(user: string): Promise<PlainCall[]>;
  /**
   * Announces each user's view of a call, with the call's whole state for the other replicas (streams
   * only ever send a user their own view); committed before it resolves.
   */
  publish(liveCalls: Record<string, LiveCall>, state: CallState): Promise<void>;
  /** In the call's history: `by` handed it to a colleague or number (`leg` is theirs). */
  recordHandover(callSid: string, to: Target, leg: string, by: string): Promise<void>;
  /** In the call's history: a conference callback about it; committed before it resolves. */
  recordConference(callSid: string, params: Params, party: string): Promise<void>;
}

const ID = /^\d{1,18}$/;
const CLIENT = 'client:';

function legOf(address: string, callSid: string): LegOf {
  return address.toLowerCase().startsWith(CLIENT)
    ? { kind: 'user', name: address.slice(CLIENT.length).toLowerCase(), callSid }
    : { kind: 'phone', name: address, callSid };
}

export class LiveCallRepository implements LiveCallStore {
  constructor(
    private readonly db: Db,
    private readonly history: Pick<HistoryRepository, 'record'>,
  ) {}

  async recordHandover(callSid: string, to: Target, leg: string, by: string): Promise<void> {
    const fact = handoverFact(callSid, to, leg, new Date(), by);
    if (fact) await this.history.record([fact]);
  }

  async recordConference(callSid: string, params: Params, party: string): Promise<void> {
    const fact = conferenceFact(callSid, params, party, new Date());
    if (fact) await this.history.record([fact]);
  }

  private open() {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('ended_at', 'is', null)
      .where('answered_at', 'is not', null)
      .where('started_at', '>', sql<Date>`now() - make_interval(hours => ${LIVE_CALL_HOURS})`);
  }

  /** The dialed leg that answered, from the call's own status callbacks. */
  private async complete(row: CallRow): Promise<PlainCall | undefined> {
    const answered = await this.db
      .selectFrom('call_facts')
      .select(sql<string>`fact->>'leg'`.as('leg'))
      .select(sql<string>`fact->>'to'`.as('to'))
      .where('call_sid', '=', row.call_sid)
      .where(sql`fact->>'kind'`, '=', 'status')
      .where(sql`fact->>'status'`, '=', 'in-progress')
      .where(sql`fact->>'leg'`, '<>', row.call_sid)
      .orderBy('received_at')
      .limit(1)
      .executeTakeFirst();
    if (!answered) return undefined;
    const callee = row.direction === 'inbound' && row.answered_by ? `${CLIENT}${row.answered_by}` : answered.to || row.to_number;
    return { id: String(row.id), callSid: row.call_sid, caller: legOf(row.from_number, row.call_sid), callee: legOf(callee, answered.leg) };
  }

  async plainCall(id: string): Promise<PlainCall | undefined> {
    if (!ID.test(id)) return undefined;
    const row = await this.open().where('id', '=', id).executeTakeFirst();
    return row ? this.complete(row) : undefined;
  }

  async openCallsOf(user: string): Promise<PlainCall[]> {
    const rows = await this.open()
      // `parties`: a colleague added to a moved call, whom the row names nowhere else.
      .where((eb) => eb.or([eb('caller_user', '=', user), eb('answered_by', '=', user), eb('callee_user', '=', user), sql<boolean>`${CLIENT + user} = ANY(parties)`]))
      .orderBy('started_at', 'desc')
      .limit(10)
      .execute();
    const calls = await Promise.all(rows.map((r) => this.complete(r)));
    return calls.filter((c): c is PlainCall => c !== undefined);
  }

  async movedCall(by: { id: string } | { room: string }): Promise<CallState | undefined> {
    // The expressions match the indexes of migration 0008.
    const [key, value] = 'id' in by ? [sql`payload->'state'->>'id'`, by.id] : [sql`payload->'state'->>'room'`, by.room];
    const row = await this.db
      .selectFrom('events')
      .select(sql<CallState>`payload->'state'`.as('state'))
      .where('type', '=', 'live-call')
      .where(key, '=', value)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const state = row?.state;
    return state && typeof state.id === 'string' && typeof state.version === 'number' ? state : undefined;
  }

  async publish(liveCalls: Record<string, LiveCall>, state: CallState): Promise<void> {
    const audience = Object.keys(liveCalls);
    if (audience.length === 0) return;
    await this.db.transaction().execute((trx) => appendEvents(trx, [{ type: 'live-call', audience, payload: { liveCalls, state } }]));
  }
}
