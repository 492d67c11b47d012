/**
 * The team as a replica keeps it: loaded from the database (rows made for new users), changed by events
 * from any replica, availability written through; everyone available before the database has answered;
 * a call whose end never came in stops counting as "on a call" and that is announced.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test-support/database';
import type { Database } from '../store/database';
import { Team } from './team';

let database: Database;
let closeDatabase: () => Promise<void>;
beforeAll(async () => {
  ({ database, close: closeDatabase } = await openTestDatabase());
});
afterAll(() => closeDatabase());

describe('the team in memory', () => {
  it('counts everyone as available until loaded, then follows the database and the events', async () => {
    await database.db.insertInto('team_members').values({ user_name: 'bob', availability: 'dnd', seen_up_to: null }).execute();
    const team = new Team(['alice', 'bob', 'carol'], database.db);
    expect(team.available()).toEqual(new Set(['alice', 'bob', 'carol']));
    await team.load();
    expect(team.available()).toEqual(new Set(['alice', 'carol']));
    expect((await database.db.selectFrom('team_members').select('user_name').orderBy('user_name').execute()).map((r) => r.user_name)).toEqual(['alice', 'bob', 'carol']);

    // Another replica's change arrives as an event.
    team.event({ id: 1, type: 'presence', audience: null, payload: { presence: { user: 'carol', availability: 'dnd', onCall: true } } });
    expect(team.available()).toEqual(new Set(['alice']));
    // Call waiting: a user on a call is still rung (their tab shows the second call as a banner).
    team.event({ id: 1, type: 'presence', audience: null, payload: { presence: { user: 'alice', availability: 'available', onCall: true } } });
    expect(team.available()).toEqual(new Set(['alice']));
    expect(team.presenceOf('carol')).toEqual({ user: 'carol', availability: 'dnd', onCall: true });
    team.event({ id: 2, type: 'unseen', audience: ['alice'], payload: { unseen: { missedCalls: 0, seenUpTo: '2025-03-01T10:00:00.000Z' } } });
    expect(team.seenUpTo('alice')).toEqual(new Date('2025-03-01T10:00:00.000Z'));

    // This replica's own change applies at once, and is announced for the others.
    const presence = await team.setAvailability('bob', 'available');
    expect(presence).toEqual({ user: 'bob', availability: 'available', onCall: false });
    expect(team.available().has('bob')).toBe(true);
    const events = await database.db.selectFrom('events').selectAll().orderBy('id').execute();
    expect(events.at(-1)).toMatchObject({ type: 'presence', audience: null, payload: { presence } });
  });

  it('a call whose end never came in stops counting as a call after a while, announced', async () => {
    await database.db
      .insertInto('calls')
      .values({
        call_sid: 'CAstale', direction: 'outbound', from_number: 'client:alice', to_number: '+12025550123', caller_user: 'alice', callee_user: null,
        outcome: null, answered_by: null, started_at: new Date(Date.now() - 5 * 3600_000), answered_at: null, ended_at: null, duration_seconds: null,
        called_back_by: null, called_back_at: null,
      })
      .execute();
    await sql`UPDATE team_members SET on_call = true WHERE user_name = 'alice'`.execute(database.db);
    const team = new Team(['alice', 'bob', 'carol'], database.db);
    await team.load();
    expect(team.presenceOf('alice')?.onCall).toBe(false);
    const last = await database.db.selectFrom('events').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last.payload).toEqual({ presence: { user: 'alice', availability: 'available', onCall: false } });
  });
});
