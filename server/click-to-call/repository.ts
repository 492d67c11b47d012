/**
 * "Call via my phone" in PostgreSQL: the personal number each user keeps, and the progress of their calls
 * as `click-to-call` events for that user alone (the outbox carries them to every replica and tab).
 */
import type { ClickToCallProgress } from '../../contracts/api/click-to-call';
import { appendEvents } from '../events/outbox';
import type { Db } from '../store/database';

export class ClickToCallRepository {
  constructor(private readonly db: Db) {}

  async personalNumber(user: string): Promise<string | null> {
    const row = await this.db.selectFrom('personal_numbers').select('number').where('user_name', '=', user).executeTakeFirst();
    return row?.number ?? null;
  }

  async setPersonalNumber(user: string, number: string | null): Promise<void> {
    if (number === null) {
      await this.db.deleteFrom('personal_numbers').where('user_name', '=', user).execute();
      return;
    }
    await this.db
      .insertInto('personal_numbers')
      .values({ user_name: user, number })
      .onConflict((oc) => oc.column('user_name').doUpdateSet({ number, updated_at: new Date() }))
      .execute();
  }

  async progress(user: string, progress: ClickToCallProgress): Promise<void> {
    await this.db.transaction().execute((trx) => appendEvents(trx, [{ type: 'click-to-call', audience: [user], payload: { progress } }]));
  }
}
