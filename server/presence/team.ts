/**
 * The team as every replica keeps it in memory: who is available, who is on a call, and up to when each
 * user has seen their missed calls. Calls are routed from here (the call path never queries the database),
 * so it is loaded at start, kept current by the event stream (a change on any replica arrives by NOTIFY),
 * and reloaded whenever events may have been missed. Until the database has answered once, everyone counts
 * as available: ringing someone on Do not disturb is better than ringing nobody.
 *
 * Changing one's own availability is written through the database first, so that it holds on every replica
 * and survives restarts; this replica applies it at once, the others when the event arrives.
 */
import { sql } from 'kysely';
import type { Availability, Presence } from '../../contracts/api/presence';
import type { HubEvent, HubObserver } from '../events/hub';
import { appendEvents } from '../events/outbox';
import { LIVE_CALL_HOURS, presenceEvent } from '../history/team-state';
import type { Db } from '../store/database';

interface Member {
  availability: Availability;
  onCall: boolean;
  seenUpTo: Date | null;
}

export class Team implements HubObserver {
  private readonly members = new Map<string, Member>();

  constructor(
    readonly users: readonly string[],
    private readonly db: Db,
  ) {
    for (const user of users) this.members.set(user, { availability: 'available', onCall: false, seenUpTo: null });
  }

  /**
   * Users who may be rung for the team number: all but those on Do not disturb. Being on a call does not
   * count: a second call rings them too (call waiting), and goes to voicemail if nobody takes it.
   */
  available(): ReadonlySet<string> {
    return new Set(this.users.filter((u) => this.members.get(u)!.availability === 'available'));
  }

  list(): Presence[] {
    return this.users.map((user) => this.presenceOf(user)!);
  }

  presenceOf(user: string): Presence | undefined {
    const m = this.members.get(user);
    return m && { user, availability: m.availability, onCall: m.onCall };
  }

  seenUpTo(user: string): Date | null {
    return this.members.get(user)?.seenUpTo ?? null;
  }

  /** Makes sure every configured user has a row, and reads them all (and who is on a call right now). */
  async load(): Promise<void> {
    if (this.users.length > 0) {
      await this.db
        .insertInto('team_members')
        .values(this.users.map((user_name) => ({ user_name, seen_up_to: null })))
        .onConflict((oc) => oc.column('user_name').doNothing())
        .execute();
    }
    await this.refreshOnCall();
    const rows = await this.db.selectFrom('team_members').selectAll().execute();
    for (const row of rows) {
      const m = this.members.get(row.user_name);
      if (!m) continue;
      m.availability = row.availability === 'dnd' ? 'dnd' : 'available';
      m.onCall = row.on_call;
      m.seenUpTo = row.seen_up_to;
    }
  }

  /**
   * Recomputes "on a call" for everyone and announces what changed: a call whose end never came in (lost
   * callbacks) stops counting after LIVE_CALL_HOURS. Run at load and periodically.
   */
  async refreshOnCall(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const live = sql<boolean>`EXISTS (SELECT 1 FROM calls c WHERE c.ended_at IS NULL
        AND c.started_at > now() - make_interval(hours => ${LIVE_CALL_HOURS})
        AND (c.caller_user = team_members.user_name OR c.answered_by = team_members.user_name))`;
      const changed = await trx
        .updateTable('team_members')
        .set({ on_call: live, updated_at: sql`now()` })
        .where(sql<boolean>`on_call IS DISTINCT FROM ${live}`)
        .returning(['user_name', 'availability', 'on_call'])
        .execute();
      await appendEvents(trx, changed.map(presenceEvent));
    });
  }

  async resync(): Promise<void> {
    await this.load();
  }

  event(event: HubEvent): void {
    if (event.type === 'presence') {
      const p = event.payload.presence as Presence;
      const m = this.members.get(p.user);
      if (m) {
        m.availability = p.availability;
        m.onCall = p.onCall;
      }
    } else if (event.type === 'unseen' && event.audience?.length === 1) {
      const m = this.members.get(event.audience[0]!);
      const seen = (event.payload.unseen as { seenUpTo?: string | null }).seenUpTo;
      if (m) m.seenUpTo = seen ? new Date(seen) : null;
    }
  }

  /** Stores the user's availability, announces it to every replica and applies it here at once. */
  async setAvailability(user: string, availability: Availability): Promise<Presence> {
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .insertInto('team_members')
        .values({ user_name: user, availability, seen_up_to: null })
        .onConflict((oc) => oc.column('user_name').doUpdateSet({ availability, updated_at: sql`now()` }))
        .returning(['user_name', 'availability', 'on_call'])
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [presenceEvent(updated)]);
      return updated;
    });
    const m = this.members.get(user);
    if (m) m.availability = availability;
    return { user: row.user_name, availability: row.availability === 'dnd' ? 'dnd' : 'available', onCall: row.on_call };
  }
}
