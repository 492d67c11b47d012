/**
 * Text messages in PostgreSQL. Each write (an inbound message, a sent one, a delivery callback, a read)
 * commits with the live events it implies, so a webhook is acknowledged only once all of it is stored.
 * Writes about one message take turns on an advisory lock keyed by its MessageSid: a delivery callback
 * that overtakes the answer to the send itself waits in `message_statuses` and is folded in when the
 * message's row is written. A text sent from the app is stored before Twilio is asked (`pending`), under
 * our reference until its SID is known (`accepted`, a status callback naming the reference, or the heal).
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Conversation, ConversationList, MessageList, MessageListQuery, MessageRecord, MessageStatus } from '../../contracts/api/messages';
import { appendEvents } from '../events/outbox';
import type { NewEvent } from '../events/outbox';
import { unseenCounts, UNSEEN_COUNT_CAP } from '../history/team-state';
import type { Db } from '../store/database';
import type { Schema, StoredMedia } from '../store/schema';
import { foldStatus, isMessageStatus, optChange, preview } from './rules';
import type { StatusFact } from './rules';

type Trx = Transaction<Schema>;
const MESSAGE_LOCK = 0x534d5321;
/** A text stored before Twilio gave it a SID holds our reference in its place (never a Twilio SID shape). */
const PENDING = 'pending:';
const pendingSid = (ref: string) => `${PENDING}${ref}`;

export interface InboundMessage {
  sid: string;
  /** The outside number, E.164. */
  from: string;
  body: string;
  media: StoredMedia[];
  at?: Date;
}

export interface OutboundMessage {
  sid: string;
  /** The outside number, E.164. */
  to: string;
  body: string;
  sentBy: string;
  /** What Twilio answered to the send. */
  status: MessageStatus;
  errorCode: number | null;
  at?: Date;
}

export interface UserUnseen {
  missedCalls: number;
  voicemails: number;
  messages: number;
  seenUpTo: string | null;
}

/** A message with its conversation's number: what the app is shown of it. */
function messagesWithPeer(db: Kysely<Schema>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['m.id', 'm.conversation_id', 'm.direction', 'c.peer', 'm.body', 'm.media', 'm.status', 'm.error_code', 'm.sent_by', 'm.at']);
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messagesWithPeer>['executeTakeFirstOrThrow']>>;

function messageRecord(row: MessageRow): MessageRecord {
  return {
    id: String(row.id),
    conversationId: String(row.conversation_id),
    direction: row.direction,
    peer: row.peer,
    body: row.body,
    mediaCount: row.media.items.length,
    media: row.media.items.map((item, index) => ({ index, contentType: item.contentType })),
    status: isMessageStatus(row.status) ? row.status : 'queued',
    errorCode: row.error_code,
    sentBy: row.sent_by,
    at: row.at.toISOString(),
  };
}

const lock = (trx: Trx, sid: string) => sql`SELECT pg_advisory_xact_lock(${MESSAGE_LOCK}::int, hashtext(${sid}))`.execute(trx);

/** Inbound messages of a conversation this user has not read, counted up to the cap. */
function unreadOf(db: Kysely<Schema>, user: string) {
  return sql<number>`(SELECT count(*)::int FROM (
      SELECT 1 FROM messages u
      WHERE u.conversation_id = c.id AND u.direction = 'inbound'
        AND u.id > coalesce((SELECT r.read_up_to FROM conversation_reads r WHERE r.conversation_id = c.id AND r.user_name = ${user}), 0)
      LIMIT ${UNSEEN_COUNT_CAP}) x)`;
}

export class MessagesRepository {
  constructor(private readonly db: Db) {}

  /** Stores a message that reached the team number; false when it was stored before (a retried webhook). */
  async receive(message: InboundMessage): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, message.sid);
      const known = await trx.selectFrom('messages').select('id').where('message_sid', '=', message.sid).executeTakeFirst();
      if (known) return false;
      const change = optChange(message.body);
      const conversation = await this.conversationOf(trx, message.from, change === null ? undefined : change === 'out');
      const at = message.at ?? new Date();
      const inserted = await trx
        .insertInto('messages')
        .values({
          message_sid: message.sid,
          conversation_id: conversation,
          direction: 'inbound',
          body: message.body,
          media: JSON.stringify({ items: message.media }),
          status: 'received',
          error_code: null,
          sent_by: null,
          at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.touch(trx, conversation, preview(message.body, message.media.length), at);
      await appendEvents(trx, [
        await this.messageEvent(trx, inserted.id),
        ...(await this.conversationEvents(trx, conversation)),
        ...(await this.unseenEvents(trx)),
      ]);
      return true;
    });
  }

  /** Stores a message Twilio accepted for sending, with any delivery callbacks that came before it. */
  async sent(message: OutboundMessage): Promise<MessageRecord> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, message.sid);
      const conversation = await this.conversationOf(trx, message.to);
      const facts = await this.factsOf(trx, message.sid);
      const state = foldStatus({ status: message.status, errorCode: message.errorCode }, facts);
      const at = message.at ?? new Date();
      const row = await trx
        .insertInto('messages')
        .values({
          message_sid: message.sid,
          conversation_id: conversation,
          direction: 'outbound',
          body: message.body,
          status: state.status,
          error_code: state.errorCode,
          sent_by: message.sentBy,
          at,
        })
        .onConflict((oc) => oc.column('message_sid').doUpdateSet({ updated_at: sql`now()` }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.touch(trx, conversation, preview(message.body, 0), at);
      // Whoever writes in a conversation has read it.
      await this.readUpTo(trx, conversation, message.sentBy, row.id);
      const event = await this.messageEvent(trx, row.id);
      await appendEvents(trx, [event, ...(await this.conversationEvents(trx, conversation)), ...(await this.unseenEvents(trx, [message.sentBy]))]);
      return event.payload.message as MessageRecord;
    });
  }

  /**
   * Stores a text before it is handed to Twilio, under our own reference in place of its SID, and quietly:
   * the team sees it once Twilio has taken it (`accepted`), and a refusal removes it (`refused`).
   */
  async pending(ref: string, message: { to: string; body: string; sentBy: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const conversation = await this.conversationOf(trx, message.to);
      await trx
        .insertInto('messages')
        .values({ message_sid: pendingSid(ref), conversation_id: conversation, direction: 'outbound', body: message.body, status: 'queued', error_code: null, sent_by: message.sentBy })
        .execute();
    });
  }

  /** Twilio took the text: its SID replaces our reference (unless a callback or the heal did it first). */
  async accepted(ref: string, result: { sid: string; status: MessageStatus; errorCode: number | null }): Promise<MessageRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, result.sid);
      const id = await this.adopt(trx, ref, result.sid, { status: result.status, errorCode: result.errorCode });
      const row = id ?? (await trx.selectFrom('messages').select('id').where('message_sid', '=', result.sid).executeTakeFirst())?.id;
      return row === undefined ? undefined : messageRecord(await messagesWithPeer(trx).where('m.id', '=', row).executeTakeFirstOrThrow());
    });
  }

  /** Twilio would not take the text: it was never sent, so it goes (the sender is shown why). */
  async refused(ref: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx.deleteFrom('messages').where('message_sid', '=', pendingSid(ref)).returning('conversation_id').executeTakeFirst();
      if (!gone) return;
      await trx
        .deleteFrom('conversations')
        .where('id', '=', gone.conversation_id)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('messages').select('id').whereRef('messages.conversation_id', '=', 'conversations.id'))))
        .execute();
    });
  }

  /** Texts stored but not yet known to Twilio's SID, to or from `since`: the heal matches them to Twilio's list. */
  async pendingSince(since: Date): Promise<{ ref: string; peer: string; body: string; at: Date }[]> {
    const rows = await messagesWithPeer(this.db).select('m.message_sid').where('m.message_sid', 'like', `${PENDING}%`).where('m.at', '>=', since).orderBy('m.id').execute();
    return rows.map((r) => ({ ref: r.message_sid.slice(PENDING.length), peer: r.peer, body: r.body, at: r.at }));
  }

  /** Whether Twilio's message is stored here. */
  async known(sid: string): Promise<boolean> {
    return (await this.db.selectFrom('messages').select('id').where('message_sid', '=', sid).executeTakeFirst()) !== undefined;
  }

  /** Folds a delivery callback in; true when the message's state changed. Repeats and late ones change nothing. */
  async status(sid: string, fact: StatusFact, ref?: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, sid);
      // The callback names our reference: a text whose SID could not be written after Twilio took it.
      if (ref !== undefined) await this.adopt(trx, ref, sid, { status: 'queued', errorCode: null });
      const added = await trx
        .insertInto('message_statuses')
        .values({ message_sid: sid, status: fact.status, error_code: fact.errorCode })
        .onConflict((oc) => oc.columns(['message_sid', 'status']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!added) return false;
      const row = await trx.selectFrom('messages').select(['id', 'status', 'error_code']).where('message_sid', '=', sid).executeTakeFirst();
      if (!row || !isMessageStatus(row.status)) return false;
      const next = foldStatus({ status: row.status, errorCode: row.error_code }, [fact]);
      if (next.status === row.status && next.errorCode === row.error_code) return false;
      await trx.updateTable('messages').set({ status: next.status, error_code: next.errorCode, updated_at: sql`now()` }).where('id', '=', row.id).execute();
      await appendEvents(trx, [await this.messageEvent(trx, row.id)]);
      return true;
    });
  }

  /** Twilio refused to send because the number replied STOP: the conversation shows it. */
  async optedOut(peer: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const conversation = await this.conversationOf(trx, peer, true);
      await appendEvents(trx, await this.conversationEvents(trx, conversation));
    });
  }

  /** Whether the number has opted out of the team's texts. */
  /** The stored media of a message (with their Twilio URLs, for the server only); undefined when there is no such message. */
  async mediaOf(messageId: string): Promise<StoredMedia[] | undefined> {
    const row = await this.db.selectFrom('messages').select('media').where('id', '=', messageId).executeTakeFirst();
    return row?.media.items;
  }

  async optedOutNow(peer: string): Promise<boolean> {
    const row = await this.db.selectFrom('conversations').select('opted_out').where('peer', '=', peer).executeTakeFirst();
    return row?.opted_out ?? false;
  }

  async conversations(user: string): Promise<ConversationList> {
    const rows = await this.db
      .selectFrom('conversations as c')
      .select(['c.id', 'c.peer', 'c.last_message', 'c.last_at', 'c.opted_out', unreadOf(this.db, user).as('unread')])
      .orderBy('c.last_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(500)
      .execute();
    return { items: rows.map(conversationRecord) };
  }

  /** A page of a conversation's messages, newest first; undefined when there is no such conversation. */
  async messages(conversationId: string, query: MessageListQuery): Promise<MessageList | undefined> {
    const exists = await this.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
    if (!exists) return undefined;
    const limit = query.limit ?? 50;
    let q = messagesWithPeer(this.db).where('m.conversation_id', '=', conversationId);
    if (query.before !== undefined) q = q.where('m.id', '<', query.before);
    const rows = await q.orderBy('m.id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    return { items: page.map(messageRecord), nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null };
  }

  /** The conversation is read by this user, on every device; undefined when there is no such conversation. */
  async markRead(user: string, conversationId: string): Promise<UserUnseen | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
      if (!conversation) return undefined;
      const newest = await trx.selectFrom('messages').select((eb) => eb.fn.max('id').as('id')).where('conversation_id', '=', conversationId).executeTakeFirst();
      if (newest?.id != null) await this.readUpTo(trx, conversationId, user, String(newest.id));
      const events = [...(await this.conversationEvents(trx, conversationId, [user])), ...(await this.unseenEvents(trx, [user]))];
      await appendEvents(trx, events);
      return (events.at(-1)!.payload as { unseen: UserUnseen }).unseen;
    });
  }

  async unseen(user: string): Promise<UserUnseen> {
    return (await unseenFor(this.db, [user]))[0] ?? { missedCalls: 0, voicemails: 0, messages: 0, seenUpTo: null };
  }

  /** Deletes messages older than the retention (and conversations left empty); returns how many messages went. */
  async purge(retentionDays: number): Promise<number> {
    const cutoff = sql<Date>`now() - make_interval(days => ${retentionDays})`;
    const gone = await this.db.deleteFrom('messages').where('at', '<', cutoff).returning('message_sid').execute();
    await this.db.deleteFrom('message_statuses').where('received_at', '<', cutoff).execute();
    await this.db
      .deleteFrom('conversations')
      .where('last_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('messages').select('id').whereRef('messages.conversation_id', '=', 'conversations.id'))))
      .execute();
    return gone.length;
  }

  // ---- inside a transaction -------------------------------------------------------------------------------

  /** The pending text gets Twilio's SID and state, with callbacks that came first; its id, or undefined if none waits. */
  private async adopt(trx: Trx, ref: string, sid: string, start: StatusFact): Promise<string | undefined> {
    const row = await trx.selectFrom('messages').select(['id', 'conversation_id', 'body', 'sent_by', 'at']).where('message_sid', '=', pendingSid(ref)).executeTakeFirst();
    if (!row || (await trx.selectFrom('messages').select('id').where('message_sid', '=', sid).executeTakeFirst())) return undefined;
    const state = foldStatus(start, await this.factsOf(trx, sid));
    await trx.updateTable('messages').set({ message_sid: sid, status: state.status, error_code: state.errorCode, updated_at: sql`now()` }).where('id', '=', row.id).execute();
    const conversation = String(row.conversation_id);
    await this.touch(trx, conversation, preview(row.body, 0), row.at);
    if (row.sent_by !== null) await this.readUpTo(trx, conversation, row.sent_by, row.id);
    const users = row.sent_by === null ? [] : [row.sent_by];
    await appendEvents(trx, [await this.messageEvent(trx, row.id), ...(await this.conversationEvents(trx, conversation)), ...(await this.unseenEvents(trx, users))]);
    return row.id;
  }

  /** The conversation's id, made if new; `optedOut` set when the message changes it. */
  private async conversationOf(trx: Trx, peer: string, optedOut?: boolean): Promise<string> {
    const row = await trx
      .insertInto('conversations')
      .values({ peer, ...(optedOut === undefined ? {} : { opted_out: optedOut }) })
      .onConflict((oc) => oc.column('peer').doUpdateSet(optedOut === undefined ? { updated_at: sql`now()` } : { opted_out: optedOut, updated_at: sql`now()` }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(row.id);
  }

  /** The newest message is what the list shows; an older one arriving late leaves it be. */
  private async touch(trx: Trx, conversation: string, text: string, at: Date): Promise<void> {
    const count = await trx.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).where('conversation_id', '=', conversation).executeTakeFirstOrThrow();
    let q = trx.updateTable('conversations').set({ last_message: text, last_at: at }).where('id', '=', conversation);
    if (Number(count.n) > 1) q = q.where('last_at', '<=', at);
    await q.execute();
  }

  private async readUpTo(trx: Trx, conversation: string, user: string, messageId: string): Promise<void> {
    await trx
      .insertInto('conversation_reads')
      .values({ conversation_id: conversation, user_name: user, read_up_to: messageId })
      .onConflict((oc) => oc.columns(['conversation_id', 'user_name']).doUpdateSet({ read_up_to: sql`greatest(conversation_reads.read_up_to, excluded.read_up_to)` }))
      .execute();
  }

  private async factsOf(trx: Trx, sid: string): Promise<StatusFact[]> {
    const rows = await trx.selectFrom('message_statuses').select(['status', 'error_code']).where('message_sid', '=', sid).execute();
    return rows.flatMap((r) => (isMessageStatus(r.status) ? [{ status: r.status, errorCode: r.error_code }] : []));
  }

  /** The team shares every conversation: all of it sees each message. */
  private async messageEvent(trx: Trx, id: string): Promise<NewEvent> {
    const full = await messagesWithPeer(trx).where('m.id', '=', id).executeTakeFirstOrThrow();
    return { type: 'message', audience: null, payload: { message: messageRecord(full) } };
  }

  /** The conversation as each user (or the given ones) sees it: their own unread count. */
  private async conversationEvents(trx: Trx, conversation: string, only?: readonly string[]): Promise<NewEvent[]> {
    const users = only ?? (await trx.selectFrom('team_members').select('user_name').execute()).map((u) => u.user_name);
    const events: NewEvent[] = [];
    for (const user of users) {
      const row = await trx
        .selectFrom('conversations as c')
        .select(['c.id', 'c.peer', 'c.last_message', 'c.last_at', 'c.opted_out', unreadOf(trx, user).as('unread')])
        .where('c.id', '=', conversation)
        .executeTakeFirstOrThrow();
      events.push({ type: 'conversation', audience: [user], payload: { conversation: conversationRecord(row) } });
    }
    return events;
  }

  private async unseenEvents(trx: Trx, only?: readonly string[]): Promise<NewEvent[]> {
    return (await unseenFor(trx, only)).map((u) => ({ type: 'unseen', audience: [u.user], payload: { unseen: { missedCalls: u.missedCalls, voicemails: u.voicemails, messages: u.messages, seenUpTo: u.seenUpTo } } }));
  }
}

function conversationRecord(row: { id: string; peer: string; last_message: string; last_at: Date; opted_out: boolean; unread: number }): Conversation {
  return { id: String(row.id), peer: row.peer, lastMessage: row.last_message, lastAt: row.last_at.toISOString(), unread: Number(row.unread), optedOut: row.opted_out };
}

/** Missed calls, unheard voicemails and unread messages of these users (or all). */
async function unseenFor(db: Kysely<Schema>, users?: readonly string[]): Promise<(UserUnseen & { user: string })[]> {
  const calls = await unseenCounts(db, users);
  const result: (UserUnseen & { user: string })[] = [];
  for (const c of calls) {
    const unread = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (
        SELECT 1 FROM messages m
        WHERE m.direction = 'inbound'
          AND m.id > coalesce((SELECT r.read_up_to FROM conversation_reads r WHERE r.conversation_id = m.conversation_id AND r.user_name = ${c.user}), 0)
        LIMIT ${UNSEEN_COUNT_CAP}) x`.execute(db);
    result.push({ user: c.user, missedCalls: c.missedCalls, voicemails: c.voicemails, messages: unread.rows[0]?.n ?? 0, seenUpTo: c.seenUpTo?.toISOString() ?? null });
  }
  return result;
}
