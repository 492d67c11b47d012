/**
 * Voicemails left through an app built in the test process: a phone calls the team number, nobody
 * answers, and Twilio's signed recording callback arrives, as the server receives them.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Store } from '../server/store/store';
import type { RecordingMedia } from '../server/voicemail/media';
import { readRange } from '../server/voicemail/range';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign } from './server-fixtures';

export const CALLER = '+12025550199';
export const sid = (prefix: string, digit: number) => `${prefix}${String(digit).repeat(32)}`;

export const recordingParams = (callSid: string, recordingSid: string, status: string, duration?: number) => ({
  AccountSid: ACCOUNT_SID,
  CallSid: callSid,
  RecordingSid: recordingSid,
  RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
  RecordingStatus: status,
  RecordingChannels: '1',
  RecordingSource: 'RecordVerb',
  ...(duration === undefined ? {} : { RecordingDuration: String(duration) }),
});

export function voicemailCalls(app: FastifyInstance, store: Store) {
  const post = (path: string, params: Record<string, string>, signature?: string) =>
    app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
      payload: form(params),
    });
  const signed = (path: string, params: Record<string, string>) => post(path, params, sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, params));

  /** A phone calls the team number and nobody answers: the call's webhooks up to the recording. */
  async function unansweredCall(n: number): Promise<string> {
    const call = { CallSid: sid('CA', n), AccountSid: ACCOUNT_SID, From: CALLER, To: TEAM_NUMBER, Direction: 'inbound' };
    expect((await signed('/handle_calls', call)).statusCode).toBe(200);
    const afterDial = await signed('/handle_calls/after-dial?leg=inbound', { ...call, DialCallStatus: 'no-answer' });
    expect(afterDial.body).toContain('<Record ');
    await store.background.idle();
    return call.CallSid;
  }

  /** The whole message: the call, then its completed recording of `seconds`. */
  async function leaveMessage(n: number, seconds = 3): Promise<string> {
    const callSid = await unansweredCall(n);
    expect((await signed('/handle_calls/recording', recordingParams(callSid, sid('RE', n), 'completed', seconds))).statusCode).toBe(204);
    return sid('RE', n);
  }

  return { post, signed, unansweredCall, leaveMessage };
}

/**
 * Recording media served from memory in chunks, as an upstream would: honouring a single Range (206, or
 * 416 past the end), or ignoring it like a server that only sends whole files (200).
 */
export function bufferMedia(files: Record<string, Buffer>, options: { honoursRange: boolean }, opened: string[] = []): RecordingMedia {
  const chunked = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 97) }, (_, i) => b.subarray(i * 97, (i + 1) * 97)));
  return {
    async open(recordingSid, range) {
      opened.push(recordingSid);
      const file = files[recordingSid];
      if (!file) return { kind: 'gone' };
      const whole = { kind: 'audio', status: 200, contentType: 'audio/wav', contentLength: file.length, contentRange: undefined, body: chunked(file) } as const;
      if (!options.honoursRange || range === undefined) return whole;
      const r = readRange(range, file.length);
      if (r.kind === 'full') return whole;
      if (r.kind === 'unsatisfiable') return { ...whole, status: 416, contentLength: 0, contentRange: `bytes */${file.length}`, body: Readable.from([]) };
      return { ...whole, status: 206, contentLength: r.end - r.start + 1, contentRange: `bytes ${r.start}-${r.end}/${file.length}`, body: chunked(file.subarray(r.start, r.end + 1)) };
    },
  };
}
