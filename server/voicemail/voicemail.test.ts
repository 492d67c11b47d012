// Voicemail through the app's routes (inject) on a real PostgreSQL: the recording callback stores it, the
// list, "heard" and the unseen counts follow, and the audio is proxied with Range support.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import type { Store } from '../store/store';
import type { RecordingMedia } from './media';
import { JSON_HEADERS, signedInCookie, testApp } from '../../test-support/app-requests';
import { testStore } from '../../test-support/database';
import { ACCOUNT_SID, PASSWORDS, TEAM_NUMBER, twilioConfig } from '../../test-support/server-fixtures';
import { bufferMedia, CALLER, recordingParams as recording, sid, voicemailCalls } from '../../test-support/voicemail-calls';

/** 1000 bytes that differ, so a wrong slice shows. */
const AUDIO = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

let config: AppConfig;
let store: Store & { database: { url: string } };
let app: FastifyInstance;
let alice: string;
let bob: string;
let post: ReturnType<typeof voicemailCalls>['post'];
let signed: ReturnType<typeof voicemailCalls>['signed'];
let unansweredCall: ReturnType<typeof voicemailCalls>['unansweredCall'];
const fetched: string[] = [];

const media: RecordingMedia = bufferMedia({ [sid('RE', 1)]: AUDIO }, { honoursRange: false }, fetched);

beforeAll(async () => {
  config = await twilioConfig();
  store = await testStore(config);
  ({ app } = await testApp(config, { store, recordings: media }));
  await app.ready();
  alice = await signedInCookie(app, 'alice', PASSWORDS.alice!);
  bob = await signedInCookie(app, 'bob', PASSWORDS.bob!);
  ({ post, signed, unansweredCall } = voicemailCalls(app, store));
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string, cookie: string | undefined, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) } });

const listOf = async (cookie: string) => (await get('/api/voicemails', cookie)).json().items as { id: string; callId: string | null; from: string; durationSeconds: number; heard: boolean; heardBy: string[] }[];
const outcomeOf = async (callSid: string) => (await store.history.get(callSid))?.outcome;

async function eventsOfType(type: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: store.database.url });
  await client.connect();
  try {
    return (await client.query<{ payload: Record<string, unknown> }>('SELECT payload FROM events WHERE type = $1 ORDER BY id', [type])).rows.map((r) => r.payload);
  } finally {
    await client.end();
  }
}

describe('the recording callback', () => {
  it('is refused unsigned (403) and stores nothing', async () => {
    const callSid = await unansweredCall(9);
    const res = await post('/handle_calls/recording', recording(callSid, sid('RE', 9), 'completed', 4));
    expect(res.statusCode).toBe(403);
    expect(await listOf(alice)).toEqual([]);
  });

  it('a completed message becomes a voicemail, the call a voicemail, announced live; a repeat adds nothing', async () => {
    const callSid = await unansweredCall(1);
    const params = recording(callSid, sid('RE', 1), 'completed', 3);
    expect((await signed('/handle_calls/recording', params)).statusCode).toBe(204);
    expect((await signed('/handle_calls/recording', params)).statusCode).toBe(204);

    const items = await listOf(alice);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ from: CALLER, durationSeconds: 3, heard: false, heardBy: [] });
    const call = await store.history.get(callSid);
    expect(call?.outcome).toBe('voicemail');
    expect(items[0]!.callId).toBe(String(call!.id));
    // The missed call is the first test's (its message never arrived signed); this one counts as a voicemail only.
    expect((await get('/api/unseen', alice)).json()).toMatchObject({ voicemails: 1, missedCalls: 1 });
    const announced = await eventsOfType('voicemail');
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ voicemail: { id: items[0]!.id, from: CALLER, heardBy: [] } });
  });

  it.each([
    ['silence only (absent)', 'absent', undefined],
    ['zero length', 'completed', 0],
  ])('%s: no voicemail, the call stays missed', async (_name, status, duration) => {
    const n = status === 'absent' ? 2 : 3;
    const callSid = await unansweredCall(n);
    expect((await signed('/handle_calls/recording', recording(callSid, sid('RE', n), status, duration))).statusCode).toBe(204);
    expect((await signed('/handle_calls/status', { CallSid: callSid, AccountSid: ACCOUNT_SID, From: CALLER, To: TEAM_NUMBER, CallStatus: 'completed', CallDuration: '9', SequenceNumber: '0' })).statusCode).toBe(204);
    expect(await outcomeOf(callSid)).toBe('missed');
    expect((await listOf(alice)).map((v) => v.durationSeconds)).toEqual([3]);
  });

  it('a callback without a RecordingSid is a 400', async () => {
    const res = await signed('/handle_calls/recording', { AccountSid: ACCOUNT_SID, CallSid: sid('CA', 1), RecordingStatus: 'completed' });
    expect(res.statusCode).toBe(400);
  });
});

describe('heard', () => {
  it('is per user, idempotent, and moves only that user\'s unseen count', async () => {
    const [item] = await listOf(alice);
    const post = (cookie: string, headers: Record<string, string> = JSON_HEADERS) => app.inject({ method: 'POST', url: `/api/voicemails/${item!.id}/heard`, headers: { ...headers, cookie } });
    const first = await post(alice);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: item!.id, heard: true, heardBy: ['alice'] });
    expect((await post(alice)).json()).toMatchObject({ heard: true, heardBy: ['alice'] });
    expect((await get('/api/unseen', alice)).json()).toMatchObject({ voicemails: 0 });
    expect((await get('/api/unseen', bob)).json()).toMatchObject({ voicemails: 1 });
    expect((await listOf(bob))[0]).toMatchObject({ heard: false, heardBy: ['alice'] });
    // Announced once: the second "heard" changed nothing.
    expect((await eventsOfType('voicemail')).at(-1)).toMatchObject({ voicemail: { heardBy: ['alice'] } });
    expect(await eventsOfType('voicemail')).toHaveLength(2);
  });

  it('is refused cross-site, signed out, and for an unknown or malformed id', async () => {
    const [item] = await listOf(alice);
    const url = `/api/voicemails/${item!.id}/heard`;
    expect((await app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie: bob } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url, headers: JSON_HEADERS })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/voicemails/987654/heard', headers: { ...JSON_HEADERS, cookie: bob } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/voicemails/x1/heard', headers: { ...JSON_HEADERS, cookie: bob } })).statusCode).toBe(400);
    expect((await listOf(bob))[0]!.heard).toBe(false);
  });
});

describe('the audio', () => {
  const audioUrl = async () => `/api/voicemails/${(await listOf(alice))[0]!.id}/audio`;

  it('is only for signed-in users', async () => {
    const res = await get(await audioUrl(), undefined);
    expect(res.statusCode).toBe(401);
    expect(res.rawPayload.includes(AUDIO.subarray(0, 50))).toBe(false);
    expect((await get('/api/voicemails', undefined)).statusCode).toBe(401);
  });

  it('is proxied whole, or the range asked for', async () => {
    const url = await audioUrl();
    const whole = await get(url, bob);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.compare(whole.rawPayload, AUDIO)).toBe(0);
    expect(fetched.at(-1)).toBe(sid('RE', 1));

    const part = await get(url, bob, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect(Buffer.compare(part.rawPayload, AUDIO.subarray(100, 200))).toBe(0);

    const tail = await get(url, bob, { range: 'bytes=-10' });
    expect(tail.headers['content-range']).toBe('bytes 990-999/1000');
  });

  it.each(['bytes=1000-', 'bytes=0-1,5-9', 'bytes=9-1', 'bytes=-', 'bytes=a-b', `bytes=${'9'.repeat(40)}-`])('a hostile Range (%s) is a 416, never a crash', async (range) => {
    const res = await get(await audioUrl(), bob, { range });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */1000');
  });

  it('passes an upstream that honours Range straight through, 416 included', async () => {
    const { app: other } = await testApp(config, { store, recordings: bufferMedia({ [sid('RE', 1)]: AUDIO }, { honoursRange: true }) });
    try {
      const url = await audioUrl();
      const part = await other.inject({ method: 'GET', url, headers: { cookie: bob, range: 'bytes=500-' } });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe('bytes 500-999/1000');
      expect(Buffer.compare(part.rawPayload, AUDIO.subarray(500))).toBe(0);
      const past = await other.inject({ method: 'GET', url, headers: { cookie: bob, range: 'bytes=5000-' } });
      expect(past.statusCode).toBe(416);
      expect(past.headers['content-range']).toBe('bytes */1000');
    } finally {
      await other.close();
    }
  });

  it('an unknown id, or a recording gone at Twilio, is a 404', async () => {
    expect((await get('/api/voicemails/987654/audio', bob)).statusCode).toBe(404);
    expect((await get('/api/voicemails/..%2F..%2Fetc/audio', bob)).statusCode).toBe(400);
  });
});
