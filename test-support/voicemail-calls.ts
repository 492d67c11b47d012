/**
 * Voicemails left through an app built in the test process: a phone calls the team number, nobody
 * answers, and Twilio's signed recording callback arrives, as the server receives them.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Store } from '../server/store/store';
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
