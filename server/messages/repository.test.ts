/**
 * Text messages against real PostgreSQL: inbound messages stored once however often the webhook repeats;
 * delivery callbacks folded in any order, including before the send's own answer; conversations per
 * number with each user's unread count; read state, opt-out by keyword, pages, events and retention.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quietLog, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { openDatabase } from '../store/database';
import type { Database } from '../store/database';
import { MessagesRepository } from './repository';

let tdb: TestDatabase;
let database: Database;
let repo: MessagesRepository;
const USERS = ['alice', 'bob'];
const PEER = '+14155550123';

beforeAll(async () => {
  tdb = await testDatabase();
  database = openDatabase(tdb.connection, { log: quietLog });
  repo = new MessagesRepository(database.db);
});
afterAll(async () => {
  await database.close();
  await tdb.drop();
});
beforeEach(async () => {
  await sql`TRUNCATE conversations, messages, message_statuses, conversation_reads, events, team_members`.execute(database.db);
  await database.db.insertInto('team_members').values(USERS.map((user_name) => ({ user_name, seen_up_to: null }))).execute();
});

const inbound = (sid: string, body: string, from = PEER, at?: Date) => ({ sid, from, body, media: [], ...(at ? { at } : {}) });
const outbound = (sid: string, body: string, sentBy = 'alice') => ({ sid, to: PEER, body, sentBy, status: 'queued' as const, errorCode: null });
const events = async () => (await database.db.selectFrom('events').selectAll().orderBy('id').execute()).map((e) => ({ type: e.type, audience: e.audience, payload: e.payload }));

describe('MessagesRepository', () => {
  it('stores an inbound message once, in a conversation with its number, unread for everyone', async () => {
    expect(await repo.receive(inbound('SM1', 'Hello?'))).toBe(true);
    expect(await repo.receive(inbound('SM1', 'Hello?'))).toBe(false);
    const list = await repo.conversations('alice');
    expect(list.items).toEqual([expect.objectContaining({ peer: PEER, lastMessage: 'Hello?', unread: 1, optedOut: false })]);
    const page = await repo.messages(list.items[0]!.id, {});
    expect(page?.items).toEqual([expect.objectContaining({ direction: 'inbound', body: 'Hello?', status: 'received', peer: PEER, sentBy: null, mediaCount: 0 })]);
    expect(await repo.unseen('bob')).toMatchObject({ messages: 1, missedCalls: 0 });
    const written = await events();
    expect(written.map((e) => e.type)).toEqual(['message', 'conversation', 'conversation', 'unseen', 'unseen']);
    expect(written.find((e) => e.type === 'unseen' && e.audience?.[0] === 'bob')?.payload).toEqual({ unseen: { missedCalls: 0, voicemails: 0, messages: 1, seenUpTo: null } });
  });

  it('keeps Unicode bodies exactly and groups by number', async () => {
    await repo.receive(inbound('SM1', 'こんにちは 👋'));
    await repo.receive(inbound('SM2', 'Привет', '+442071838750'));
    const list = await repo.conversations('alice');
    expect(list.items.map((c) => c.lastMessage).sort()).toEqual(['Привет', 'こんにちは 👋'].sort());
  });

  it('folds delivery callbacks in any order, also before the send is stored, and repeats change nothing', async () => {
    expect(await repo.status('SM9', { status: 'sent', errorCode: null })).toBe(false);
    const sent = await repo.sent(outbound('SM9', 'On our way'));
    expect(sent.status).toBe('sent');
    expect(await repo.status('SM9', { status: 'undelivered', errorCode: 30006 })).toBe(true);
    expect(await repo.status('SM9', { status: 'undelivered', errorCode: 30006 })).toBe(false);
    expect(await repo.status('SM9', { status: 'queued', errorCode: null })).toBe(false);
    const page = await repo.messages(sent.conversationId, {});
    expect(page?.items[0]).toMatchObject({ status: 'undelivered', errorCode: 30006, sentBy: 'alice', direction: 'outbound' });
  });

  it('counts unread per user: the sender has read the conversation, a read reaches every device', async () => {
    await repo.receive(inbound('SM1', 'Are you open?'));
    await repo.sent(outbound('SM2', 'Yes, until six', 'alice'));
    expect((await repo.conversations('alice')).items[0]).toMatchObject({ unread: 0, lastMessage: 'Yes, until six' });
    expect((await repo.conversations('bob')).items[0]).toMatchObject({ unread: 1 });
    const id = (await repo.conversations('bob')).items[0]!.id;
    await sql`TRUNCATE events`.execute(database.db);
    expect(await repo.markRead('bob', id)).toMatchObject({ messages: 0 });
    expect((await events()).map((e) => [e.type, e.audience])).toEqual([['conversation', ['bob']], ['unseen', ['bob']]]);
    expect(await repo.markRead('bob', '999999')).toBeUndefined();
    expect(await repo.messages('999999', {})).toBeUndefined();
  });

  it('opts a number out on STOP and back in on START', async () => {
    await repo.receive(inbound('SM1', 'STOP'));
    expect(await repo.optedOutNow(PEER)).toBe(true);
    expect((await repo.conversations('alice')).items[0]?.optedOut).toBe(true);
    await repo.receive(inbound('SM2', 'start'));
    expect(await repo.optedOutNow(PEER)).toBe(false);
    await repo.optedOut(PEER);
    expect(await repo.optedOutNow(PEER)).toBe(true);
  });

  it('pages newest first and keeps the newest message on the list when an older one arrives late', async () => {
    for (let i = 1; i <= 5; i++) await repo.receive(inbound(`SM${i}`, `m${i}`, PEER, new Date(Date.UTC(2026, 0, 1, 10, i))));
    await repo.receive(inbound('SM0', 'late', PEER, new Date(Date.UTC(2026, 0, 1, 9))));
    const id = (await repo.conversations('alice')).items[0]!.id;
    expect((await repo.conversations('alice')).items[0]?.lastMessage).toBe('m5');
    const first = await repo.messages(id, { limit: 4 });
    expect(first?.items.map((m) => m.body)).toEqual(['late', 'm5', 'm4', 'm3']);
    const next = await repo.messages(id, { limit: 4, before: first!.nextCursor! });
    expect(next?.items.map((m) => m.body)).toEqual(['m2', 'm1']);
    expect(next?.nextCursor).toBeNull();
  });

  it('purges messages older than the retention, and the conversations they leave empty', async () => {
    await repo.receive(inbound('SM1', 'old', PEER, new Date(Date.now() - 40 * 86_400_000)));
    await repo.receive(inbound('SM2', 'new', '+442071838750'));
    await database.db.updateTable('conversations').set({ last_at: new Date(Date.now() - 40 * 86_400_000) }).where('peer', '=', PEER).execute();
    expect(await repo.purge(30)).toBe(1);
    expect((await repo.conversations('alice')).items.map((c) => c.peer)).toEqual(['+442071838750']);
  });
});
