/**
 * Healing texts from Twilio's Messages list: the repair plan table-tested, then against the local
 * stand-in's list with real PostgreSQL while the application answered every webhook with 503 (the
 * database was down): a lost inbound text appears once, a sent text's lost callbacks move it forward,
 * and a text whose SID was never written is linked to Twilio's by number, body and time.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import { quietLog, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { ACCOUNT, KEY, TEAM, startMessagingHarness } from '../../test-support/messaging-harness';
import type { MessagingHarness } from '../../test-support/messaging-harness';
import { eventually } from '../../test-support/wait';
import { Healer, twilioCallLog } from '../history/heal';
import { HistoryRepository } from '../history/repository';
import { DEFAULT_PHONE_NUMBERS as PHONES } from '../../emulator/phones/defaults';
import { openDatabase } from '../store/database';
import type { Database } from '../store/database';
import { planMessageRepairs } from './heal';
import type { RestMessage } from './heal';
import { MessagesRepository } from './repository';

const T0 = new Date('2026-11-30T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const PEER = '+14155550123';
const rest = (over: Partial<RestMessage>): RestMessage => ({ sid: 'SM1', direction: 'outbound-api', from: TEAM, to: PEER, body: 'Hi', status: 'delivered', errorCode: null, dateCreated: at(0), ...over });

describe('planMessageRepairs', () => {
  const pending = [{ ref: 'r1', peer: PEER, body: 'Hi', at: at(-1) }, { ref: 'r2', peer: PEER, body: 'Hi', at: at(5) }];
  it.each([
    ['a lost inbound text is received', [rest({ direction: 'inbound', from: PEER, to: TEAM, status: 'received' })], [], [], [{ kind: 'receive' }]],
    ['a stored inbound text is left alone', [rest({ direction: 'inbound', from: PEER, to: TEAM, status: 'received' })], ['SM1'], [], []],
    ['an inbound text to another number is not ours', [rest({ direction: 'inbound', from: PEER, to: '+12025550199', status: 'received' })], [], [], []],
    ['a known sent text moves forward', [rest({ status: 'undelivered', errorCode: 30003 })], ['SM1'], [], [{ kind: 'advance', sid: 'SM1', status: 'undelivered', errorCode: 30003 }]],
    ['an unknown status is ignored', [rest({ status: 'partially_delivered' })], ['SM1'], [], []],
    ['a text sent from another number is not ours', [rest({ from: '+12025550199' })], [], pending, []],
    ['an unknown sent text is linked to the waiting one with its number and body', [rest({})], [], pending, [{ kind: 'adopt', sid: 'SM1', ref: 'r1' }]],
    ['two identical texts are linked in the order they were sent', [rest({ sid: 'SM2', dateCreated: at(6) }), rest({})], [], pending, [{ kind: 'adopt', sid: 'SM1', ref: 'r1' }, { kind: 'adopt', sid: 'SM2', ref: 'r2' }]],
    ['a text stored after Twilio created another is not linked to it', [rest({ dateCreated: at(-600) })], [], pending, []],
    ['another body is not a match', [rest({ body: 'Hello' })], [], pending, []],
  ] as const)('%s', (_name, listed, known, waiting, expected) => {
    const plan = planMessageRepairs(listed as readonly RestMessage[], TEAM, new Set(known), [...waiting]);
    expect(plan).toEqual((expected as readonly object[]).map((e) => expect.objectContaining(e)));
  });
});

describe('healing texts from the local stand-in’s Messages list', () => {
  let h: MessagingHarness;
  let tdb: TestDatabase;
  let database: Database;
  let repo: MessagesRepository;
  beforeAll(async () => {
    h = await startMessagingHarness();
    tdb = await testDatabase();
    database = openDatabase(tdb.connection, { log: quietLog });
    repo = new MessagesRepository(database.db);
    await database.db.insertInto('team_members').values([{ user_name: 'alice', seen_up_to: null }]).execute();
  });
  afterAll(async () => {
    await database.close();
    await tdb.drop();
    await h.close();
  });

  it('creates the lost inbound text, moves a sent one forward and links one whose SID was lost, once', async () => {
    h.respond = () => ({ status: 503, body: 'down', type: 'text/plain' });
    const inbound = await h.text(PHONES.manual, { to: TEAM, body: 'Are you open? 🙂' });
    const client = h.client(KEY.sid, KEY.secret);
    const callback = `${h.appOrigin}/handle_sms/status`;
    // Stored and accepted, but every delivery callback was refused.
    await repo.pending('11111111-1111-1111-1111-111111111111', { to: PHONES.echo, body: 'Yes, until six.', sentBy: 'alice' });
    const first = await client.messages.create({ from: TEAM, to: PHONES.echo, body: 'Yes, until six.', statusCallback: callback });
    await repo.accepted('11111111-1111-1111-1111-111111111111', { sid: first.sid, status: 'queued', errorCode: null });
    // Stored, sent, and the SID never written.
    await repo.pending('22222222-2222-2222-2222-222222222222', { to: PHONES.echo, body: 'こんにちは', sentBy: 'alice' });
    const second = await client.messages.create({ from: TEAM, to: PHONES.echo, body: 'こんにちは', statusCallback: callback });
    await eventually(async () => expect((await client.messages(second.sid).fetch()).status).toBe('delivered'), 'the second text delivered');

    const healer = new Healer(database.db, new HistoryRepository(database.db), twilioCallLog({ accountSid: ACCOUNT, apiKeySid: KEY.sid, apiKeySecret: KEY.secret }, emulatorRequestClient(h.origin)), {
      teamNumber: TEAM, users: ['alice'], log: quietLog, intervalMs: 0, messages: repo,
    });
    healer.noteFailure(new Date(Date.now() - 60_000));
    expect((await healer.heal('recovered'))?.messages).toEqual({ listed: 3, changed: 3 });
    const rows = await database.db.selectFrom('messages').select(['message_sid', 'direction', 'body', 'status', 'sent_by']).orderBy('id').execute();
    expect(rows).toEqual([
      { message_sid: first.sid, direction: 'outbound', body: 'Yes, until six.', status: 'delivered', sent_by: 'alice' },
      { message_sid: second.sid, direction: 'outbound', body: 'こんにちは', status: 'delivered', sent_by: 'alice' },
      { message_sid: inbound.messageSid, direction: 'inbound', body: 'Are you open? 🙂', status: 'received', sent_by: null },
    ]);

    healer.noteFailure(new Date(Date.now() - 60_000));
    expect((await healer.heal('recovered'))?.messages).toEqual({ listed: 3, changed: 0 });
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM messages`.execute(database.db)).rows[0]!.n)).toBe(3);
  });
});
