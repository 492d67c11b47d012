/**
 * Voicemail healed from Twilio's Recordings list: a message whose recording callback was lost appears
 * (its call a voicemail, announced live); one already known, deleted ones, silence, other recording
 * sources and recordings of calls that are not to the team number are left alone; a failing list changes
 * nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSid } from '../../test-support/call-scenarios';
import { quietLog, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { TEAM_NUMBER } from '../../test-support/server-fixtures';
import type { RestCall } from '../history/facts';
import { Healer } from '../history/heal';
import type { CallLog } from '../history/heal';
import { HistoryRepository } from '../history/repository';
import { openDatabase } from '../store/database';
import type { Database } from '../store/database';
import type { RestRecording } from './heal';
import { restRecordingFact } from './heal';
import { VoicemailRepository } from './repository';

let tdb: TestDatabase;
let database: Database;
let history: HistoryRepository;
let voicemails: VoicemailRepository;
beforeAll(async () => {
  tdb = await testDatabase();
  database = openDatabase(tdb.connection, { log: quietLog });
  history = new HistoryRepository(database.db);
  voicemails = new VoicemailRepository(database.db, history);
});
afterAll(async () => {
  await database.close();
  await tdb.drop();
});

const minutesAgo = (m: number) => new Date(Math.floor(Date.now() / 1000) * 1000 - m * 60_000);
const call = (to: string, from = '+14155550123'): RestCall => ({ sid: callSid(), parentCallSid: null, from, to, status: 'completed', startTime: minutesAgo(30), endTime: minutesAgo(29), duration: '40' });
let n = 0;
const recordingOf = (c: RestCall, over: Partial<RestRecording> = {}): RestRecording => ({
  sid: `RE${String(++n).padStart(32, '0')}`,
  callSid: c.sid,
  status: 'completed',
  duration: 3,
  startTime: minutesAgo(29.5),
  source: 'RecordVerb',
  ...over,
});
/** How often healing told the copy job (VOICEMAIL_STORE=database) that it created voicemails. */
let told = 0;
const healer = (log: CallLog) =>
  new Healer(database.db, history, log, { teamNumber: TEAM_NUMBER, users: ['alice', 'bob'], voicemails, log: quietLog, intervalMs: 0, onVoicemails: () => void told++ });

describe('voicemail healing', () => {
  it('creates the voicemails whose callback was lost, and only those', async () => {
    const lost = call(TEAM_NUMBER);
    const known = call(TEAM_NUMBER);
    const deleted = call(TEAM_NUMBER);
    const silent = call(TEAM_NUMBER);
    const conference = call(TEAM_NUMBER);
    const outbound = call('+14155550999', 'client:alice');
    const foreign = call('+14155550001', '+14155550000');
    const recordings = [
      recordingOf(lost, { duration: 4 }),
      recordingOf(known),
      recordingOf(deleted),
      recordingOf(silent, { status: 'absent', duration: 0 }),
      recordingOf(conference, { source: 'Conference' }),
      recordingOf(outbound),
      recordingOf(foreign),
    ];
    await voicemails.record(restRecordingFact(recordings[1]!, new Date()));
    const gone = await voicemails.record(restRecordingFact(recordings[2]!, new Date()));
    await voicemails.remove(gone!.id, 0);
    const before = await voicemails.list('alice');
    let asked: Date | undefined;
    const log: CallLog = {
      callsSince: async () => [lost, known, deleted, silent, conference, outbound, foreign],
      recordingsSince: async (since) => ((asked = since), recordings),
    };
    const h = healer(log);
    h.noteFailure(minutesAgo(40));
    expect(await h.heal('recovered')).toMatchObject({ calls: 6, voicemails: 1 });
    expect(told).toBe(1);
    expect(asked!.getTime()).toBeLessThan(minutesAgo(40).getTime());
    const after = await voicemails.list('alice');
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((v) => !before.some((b) => b.id === v.id))).toMatchObject({ from: lost.from, durationSeconds: 4, heard: false });
    expect((await history.get(lost.sid))?.outcome).toBe('voicemail');
    const announced = await sql<{ n: string }>`SELECT count(*) AS n FROM events WHERE type = 'voicemail'`.execute(database.db);
    expect(Number(announced.rows[0]!.n)).toBe(3);

    // Healing again finds nothing new.
    await sql`DELETE FROM maintenance`.execute(database.db);
    h.noteFailure(minutesAgo(40));
    expect(await h.heal('recovered')).toMatchObject({ voicemails: 0 });
    expect(await voicemails.list('alice')).toHaveLength(after.length);
    expect(told).toBe(1);
  });

  it('a Recordings list that fails leaves the history healing and voicemail as they were', async () => {
    await sql`DELETE FROM maintenance`.execute(database.db);
    const lost = call(TEAM_NUMBER);
    const h = healer({ callsSince: async () => [lost], recordingsSince: async () => Promise.reject(new Error('Twilio answered 503')) });
    h.noteFailure(minutesAgo(40));
    expect(await h.heal('recovered')).toMatchObject({ calls: 1, voicemails: 0 });
    expect(await history.get(lost.sid)).toBeDefined();
  });
});
