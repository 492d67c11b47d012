// VOICEMAIL_STORE=database through the app's routes (inject) on a real PostgreSQL: the stored job copies a
// message's audio into the database and only then removes it at Twilio; the route serves the copy (with
// Range) or, before the copy, Twilio's; a failed download is retried with backoff, a restart mid-way loses
// nothing, and deleting removes the copy too.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { openStore } from '../store/store';
import type { Store } from '../store/store';
import type { RecordingMedia } from './media';
import type { RecordingRemover } from './purge';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { queryRows, quietLog, testStore } from '../../test-support/database';
import { PASSWORDS, twilioConfig } from '../../test-support/server-fixtures';
import { bufferMedia, sid, voicemailCalls } from '../../test-support/voicemail-calls';

/** A WAV-sized file whose bytes differ, so any wrong slice or truncation shows. */
const wav = (n: number) => Buffer.from(Array.from({ length: 48_000 + n }, (_, i) => (i * 7 + n) % 253));

/** Twilio's Recordings: downloads honour Range, removal takes the file away. */
const atTwilio: Record<string, Buffer> = {};
const downloads: string[] = [];
const removed: string[] = [];
let failDownload: string | undefined;
let failRemoval: string | undefined;

const upstream = bufferMedia(atTwilio, { honoursRange: true }, downloads);
const media: RecordingMedia = {
  open: (recordingSid, range) => (failDownload ? Promise.resolve({ kind: 'failed', reason: failDownload }) : upstream.open(recordingSid, range)),
};
const remover: RecordingRemover = {
  async remove(recordingSid) {
    if (failRemoval) throw new Error(failRemoval);
    removed.push(recordingSid);
    delete atTwilio[recordingSid];
  },
};

let config: AppConfig;
let store: Store & { database: { url: string; connection: pg.ClientConfig } };
let app: FastifyInstance;
let alice: string;
let leaveMessage: ReturnType<typeof voicemailCalls>['leaveMessage'];

beforeAll(async () => {
  config = await twilioConfig({ VOICEMAIL_STORE: 'database' });
  store = await testStore(config, { recordings: remover, copyAudioFrom: media });
  ({ app } = await testApp(config, { store, recordings: media }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  ({ leaveMessage } = voicemailCalls(app, store));
});
afterAll(async () => {
  await app.close();
  await store.close();
});
beforeEach(() => {
  downloads.length = 0;
  removed.length = 0;
  failDownload = undefined;
  failRemoval = undefined;
});

const query = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(store.database.url, text, values);

/** A run of its own: the one the recording callback started has finished first. */
async function copyRun() {
  await store.voicemailCopy!.idle();
  return store.voicemailCopy!.run();
}
const idOf = async (recordingSid: string) => (await query<{ id: string }>('SELECT id FROM voicemails WHERE recording_sid = $1', [recordingSid]))[0]!.id;
const audio = (id: string, range?: string) => app.inject({ method: 'GET', url: `/api/voicemails/${id}/audio`, headers: { cookie: alice, ...(range ? { range } : {}) } });
const stored = async (id: string) => (await query<{ size: number }>('SELECT size FROM voicemail_audio WHERE voicemail_id = $1', [id]))[0];
/** A message at Twilio, and its recording callback (which starts a copy). */
async function message(n: number): Promise<{ recordingSid: string; id: string; bytes: Buffer }> {
  atTwilio[sid('RE', n)] = wav(n);
  const bytes = atTwilio[sid('RE', n)]!;
  const recordingSid = await leaveMessage(n);
  return { recordingSid, id: await idOf(recordingSid), bytes };
}

describe('the copy job', () => {
  it('copies the audio into the database, then removes it at Twilio; served byte for byte from there, with Range', async () => {
    failDownload = 'held back';
    const { recordingSid, id, bytes } = await message(1);
    await copyRun();
    // Not copied yet: it still plays, from Twilio.
    failDownload = undefined;
    const before = await audio(id);
    expect(before.statusCode).toBe(200);
    expect(before.rawPayload.equals(bytes)).toBe(true);
    await query("UPDATE voicemails SET copy_after = now() WHERE id = $1", [id]);
    expect(await copyRun()).toEqual({ copied: 1, failed: 0, gone: 0 });
    expect(removed).toEqual([recordingSid]);
    expect(atTwilio[recordingSid]).toBeUndefined();
    expect(await stored(id)).toEqual({ size: bytes.length });

    downloads.length = 0;
    const whole = await audio(id);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(Number(whole.headers['content-length'])).toBe(bytes.length);
    expect(whole.rawPayload.equals(bytes)).toBe(true);
    const part = await audio(id, 'bytes=1000-1999');
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(part.rawPayload.equals(bytes.subarray(1000, 2000))).toBe(true);
    const tail = await audio(id, 'bytes=-10');
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    for (const hostile of [`bytes=${bytes.length}-`, 'bytes=5-1', 'bytes=0-1,5-9', 'bytes=abc']) {
      const res = await audio(id, hostile);
      expect(res.statusCode, hostile).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${bytes.length}`);
    }
    // Twilio was not asked for any of it.
    expect(downloads).toEqual([]);
    // Done: the next run has nothing to do.
    expect(await copyRun()).toEqual({ copied: 0, failed: 0, gone: 0 });
  });

  it('tries a failed download again later, with backoff, and keeps the reason; the recording stays at Twilio meanwhile', async () => {
    failDownload = 'Twilio answered 503';
    const { recordingSid, id, bytes } = await message(2);
    await copyRun();
    const [row] = await query<{ copy_error: string; copy_attempts: number; wait: number }>(
      'SELECT copy_error, copy_attempts, extract(epoch FROM copy_after - now())::float AS wait FROM voicemails WHERE id = $1',
      [id],
    );
    expect(row).toMatchObject({ copy_error: 'Twilio answered 503' });
    expect(row!.copy_attempts).toBeGreaterThanOrEqual(1);
    expect(row!.wait).toBeGreaterThan(20);
    expect(removed).toEqual([]);
    expect(await stored(id)).toBeUndefined();
    failDownload = undefined;
    // Not due yet.
    expect((await copyRun()).copied).toBe(0);
    await query('UPDATE voicemails SET copy_after = now() WHERE id = $1', [id]);
    expect((await copyRun()).copied).toBe(1);
    expect(removed).toEqual([recordingSid]);
    expect((await audio(id)).rawPayload.equals(bytes)).toBe(true);
  });

  it('loses nothing to a restart between the copy and the removal: another server finishes without downloading again', async () => {
    failRemoval = 'connection reset';
    const { recordingSid, id, bytes } = await message(3);
    await copyRun();
    // The copy is committed, the removal failed: both exist, and the copy is what plays.
    expect(await stored(id)).toEqual({ size: bytes.length });
    expect(atTwilio[recordingSid]).toBeDefined();
    expect((await audio(id)).rawPayload.equals(bytes)).toBe(true);
    // A claim whose server died (lease passed) is taken by the next one.
    await query('UPDATE voicemails SET copy_after = now() WHERE id = $1', [id]);
    failRemoval = undefined;
    downloads.length = 0;
    const restarted = await openStore(
      { users: config.users, historyRetentionDays: 365, localDataDir: config.localDataDir, teamNumber: config.account.teamNumber },
      { log: quietLog, jobs: false, connection: store.database.connection, recordings: remover, copyAudioFrom: media },
    );
    try {
      expect((await restarted.voicemailCopy!.run()).copied).toBe(1);
    } finally {
      await restarted.close();
    }
    expect(downloads).toEqual([]);
    expect(removed).toEqual([recordingSid]);
    expect((await audio(id)).rawPayload.equals(bytes)).toBe(true);
  });

  it('marks a recording gone at Twilio before the copy and does not try it again', async () => {
    failDownload = 'held back';
    const { recordingSid, id } = await message(4);
    await copyRun();
    failDownload = undefined;
    delete atTwilio[recordingSid];
    await query('UPDATE voicemails SET copy_after = now() WHERE id = $1', [id]);
    expect(await copyRun()).toEqual({ copied: 0, failed: 0, gone: 1 });
    expect(await copyRun()).toEqual({ copied: 0, failed: 0, gone: 0 });
    expect((await audio(id)).statusCode).toBe(404);
  });
});

describe('deleting a copied message', () => {
  it('removes its copy from the database when the purge runs; undo before then keeps it', async () => {
    const { id, bytes } = await message(5);
    await copyRun();
    expect(await stored(id)).toEqual({ size: bytes.length });
    const del = () => app.inject({ method: 'DELETE', url: `/api/voicemails/${id}`, headers: { ...JSON_HEADERS, cookie: alice } });
    expect((await del()).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/voicemails/${id}/restore`, headers: { ...JSON_HEADERS, cookie: alice }, payload: {} })).statusCode).toBe(200);
    expect((await audio(id)).rawPayload.equals(bytes)).toBe(true);
    expect((await del()).statusCode).toBe(200);
    await query("UPDATE voicemails SET purge_after = now() - interval '1 second' WHERE id = $1", [id]);
    expect((await store.voicemailPurge!.run()).purged).toBe(1);
    expect(await stored(id)).toBeUndefined();
  });
});
