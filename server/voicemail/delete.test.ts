// Deleting voicemails through the app's routes (inject) on a real PostgreSQL: hidden for the whole team at
// once and announced live, undone within the window, then purged at Twilio by the stored job (idempotent,
// retried after a failure, picked up again by a restarted server), and old ones expired by retention.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { openStore } from '../store/store';
import type { Store } from '../store/store';
import type { RecordingMedia } from './media';
import { retryDelayMs } from './purge';
import type { RecordingRemover } from './purge';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { queryRows, quietLog, testStore } from '../../test-support/database';
import { PASSWORDS, twilioConfig } from '../../test-support/server-fixtures';
import { bufferMedia, voicemailCalls } from '../../test-support/voicemail-calls';

let config: AppConfig;
let store: Store & { database: { url: string; connection: pg.ClientConfig } };
let app: FastifyInstance;
let alice: string;
let bob: string;
let leaveMessage: ReturnType<typeof voicemailCalls>['leaveMessage'];
const removed: string[] = [];
let failRemoval: string | undefined;

const remover: RecordingRemover = {
  async remove(recordingSid) {
    if (failRemoval) throw new Error(failRemoval);
    removed.push(recordingSid);
  },
};
const media: RecordingMedia = bufferMedia({}, { honoursRange: true });

beforeAll(async () => {
  config = await twilioConfig({ VOICEMAIL_RETENTION_DAYS: '30' });
  store = await testStore(config, { recordings: remover });
  ({ app } = await testApp(config, { store, recordings: media }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
  ({ leaveMessage } = voicemailCalls(app, store));
});
afterAll(async () => {
  await app.close();
  await store.close();
});
beforeEach(() => {
  removed.length = 0;
  failRemoval = undefined;
});

const query = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(store.database.url, text, values);

const listOf = async (cookie: string) => (await app.inject({ method: 'GET', url: '/api/voicemails', headers: { cookie } })).json().items as { id: string }[];
const idOf = async (recordingSid: string) => (await query<{ id: string }>('SELECT id FROM voicemails WHERE recording_sid = $1', [recordingSid]))[0]!.id;
const del = (id: string, cookie: string | undefined, headers: Record<string, string> = JSON_HEADERS) =>
  app.inject({ method: 'DELETE', url: `/api/voicemails/${id}`, headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) } });
const restore = (id: string, cookie: string) => app.inject({ method: 'POST', url: `/api/voicemails/${id}/restore`, headers: { ...JSON_HEADERS, cookie }, payload: {} });
/** As if the undo window had passed. */
const windowPassed = (id: string) => query("UPDATE voicemails SET purge_after = now() - interval '1 second' WHERE id = $1 AND purged_at IS NULL", [id]);
const lastEvents = async (n: number) => (await query<{ type: string; payload: Record<string, unknown> }>('SELECT type, payload FROM events ORDER BY id DESC LIMIT $1', [n])).reverse();

describe('DELETE /api/voicemails/:id', () => {
  it('hides it from the whole team at once, announced live, and leaves Twilio alone during the undo window', async () => {
    const id = await idOf(await leaveMessage(1));
    const res = await del(id, alice);
    expect(res.statusCode).toBe(200);
    const until = Date.parse(res.json().restorableUntil);
    expect(until - Date.now()).toBeGreaterThan(5000);
    expect(await listOf(alice)).toEqual([]);
    expect(await listOf(bob)).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/api/voicemails/${id}/audio`, headers: { cookie: bob } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/unseen', headers: { cookie: bob } })).json()).toMatchObject({ voicemails: 0 });
    expect((await lastEvents(4)).map((e) => e.type)).toContain('voicemail-deleted');
    expect((await lastEvents(4)).find((e) => e.type === 'voicemail-deleted')?.payload).toEqual({ id });
    // Deleted already: nothing to delete.
    expect((await del(id, bob)).statusCode).toBe(404);
    expect((await store.voicemailPurge!.run()).purged).toBe(0);
    expect(removed).toEqual([]);
  });

  it('is refused signed out, cross-site, and for a malformed id', async () => {
    const id = await idOf(await leaveMessage(2));
    expect((await del(id, undefined)).statusCode).toBe(401);
    expect((await del(id, alice, { ...JSON_HEADERS, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await del('1;DROP', alice)).statusCode).toBe(400);
    expect((await listOf(alice)).map((v) => v.id)).toEqual([id]);
  });

  it('is undone by restore within the window (for everyone, announced live); restoring twice changes nothing', async () => {
    const [{ id }] = (await listOf(alice)) as [{ id: string }];
    expect((await del(id, alice)).statusCode).toBe(200);
    const back = await restore(id, bob);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ id, heard: false });
    expect((await listOf(alice)).map((v) => v.id)).toEqual([id]);
    expect((await lastEvents(4)).find((e) => e.type === 'voicemail')?.payload).toMatchObject({ voicemail: { id } });
    expect((await restore(id, bob)).statusCode).toBe(200);
    expect((await restore('987654', bob)).statusCode).toBe(404);
    await windowPassed(id);
    expect((await store.voicemailPurge!.run()).purged).toBe(0);
  });
});

describe('the purge job', () => {
  it('removes the recording once the window has passed, once; then it is too late to restore', async () => {
    const recordingSid = await leaveMessage(3);
    const id = await idOf(recordingSid);
    expect((await del(id, alice)).statusCode).toBe(200);
    await windowPassed(id);
    expect(await store.voicemailPurge!.run()).toEqual({ purged: 1, failed: 0 });
    expect(removed).toEqual([recordingSid]);
    expect(await store.voicemailPurge!.run()).toEqual({ purged: 0, failed: 0 });
    expect(removed).toEqual([recordingSid]);
    const res = await restore(id, alice);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('too_late');
  });

  it('tries a failed removal again later, with backoff, and keeps the reason', async () => {
    const recordingSid = await leaveMessage(4);
    const id = await idOf(recordingSid);
    await del(id, alice);
    await windowPassed(id);
    failRemoval = 'Twilio answered 503';
    expect(await store.voicemailPurge!.run()).toEqual({ purged: 0, failed: 1 });
    const [row] = await query<{ purge_error: string; wait: number; purge_attempts: number }>(
      'SELECT purge_error, purge_attempts, extract(epoch FROM purge_after - now())::float AS wait FROM voicemails WHERE id = $1',
      [id],
    );
    expect(row).toMatchObject({ purge_error: 'Twilio answered 503', purge_attempts: 1 });
    expect(row!.wait).toBeGreaterThan(20);
    // Not due yet: the next run leaves it.
    failRemoval = undefined;
    expect((await store.voicemailPurge!.run()).purged).toBe(0);
    await windowPassed(id);
    expect((await store.voicemailPurge!.run()).purged).toBe(1);
    expect(removed).toEqual([recordingSid]);
  });

  it('is not forgotten by a restart: another server on the same database finishes it', async () => {
    const recordingSid = await leaveMessage(5);
    const id = await idOf(recordingSid);
    await del(id, alice);
    await windowPassed(id);
    const removedThere: string[] = [];
    const restarted = await openStore(
      { users: config.users, historyRetentionDays: 365, localDataDir: config.localDataDir, teamNumber: config.account.teamNumber },
      { log: quietLog, jobs: false, connection: store.database.connection, recordings: { remove: async (s) => void removedThere.push(s) } },
    );
    try {
      expect((await restarted.voicemailPurge!.run()).purged).toBe(1);
    } finally {
      await restarted.close();
    }
    expect(removedThere).toEqual([recordingSid]);
    expect(removed).toEqual([]);
  });
});

describe('VOICEMAIL_RETENTION_DAYS', () => {
  it('deletes older messages (announced live) and purges their recordings at once', async () => {
    const old = await leaveMessage(6);
    const recent = await leaveMessage(7);
    const oldId = await idOf(old);
    await query("UPDATE voicemails SET created_at = now() - interval '31 days' WHERE recording_sid = $1", [old]);
    expect((await store.purge()).voicemails).toBe(1);
    expect((await listOf(alice)).map((v) => v.id)).toContain(await idOf(recent));
    expect((await listOf(alice)).map((v) => v.id)).not.toContain(oldId);
    expect((await lastEvents(10)).some((e) => e.type === 'voicemail-deleted' && e.payload.id === oldId)).toBe(true);
    await store.voicemailPurge!.run();
    expect(removed).toEqual([old]);
    // Its tombstone goes once it is older than the history's retention.
    await query("UPDATE voicemails SET purged_at = now() - interval '400 days' WHERE recording_sid = $1", [old]);
    await store.purge();
    expect(await query('SELECT id FROM voicemails WHERE recording_sid = $1', [old])).toEqual([]);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [8, 3_600_000],
    [1000, 3_600_000],
  ])('after %i failed attempts waits %i ms', (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });
});
