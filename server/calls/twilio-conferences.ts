/**
 * The Twilio side of call control through the `twilio` helper: redirecting a leg into a conference room,
 * and the Participants API (hold with the server's music, dial in, remove, end). A port, so the controller's
 * tests can stand in for Twilio; the composition root hands the real one (pointed at the local stand-in in
 * local mode).
 */
import twilio from 'twilio';
import type { RestLogin } from '../twilio/rest-client';

const { VoiceResponse } = twilio.twiml;

export interface ConferenceUrls {
  /** The conference status callback. */
  conference: string;
  /** A dialed participant's call status callback (the room rides in the query, signed with the rest). */
  leg(room: string): string;
  /** Music on hold: a WAV Twilio plays in a loop. */
  holdMusic: string;
}

export function conferenceUrls(publicBaseUrl: string): ConferenceUrls {
  return {
    conference: `${publicBaseUrl}/handle_calls/conference`,
    leg: (room) => `${publicBaseUrl}/handle_calls/conference-leg?room=${encodeURIComponent(room)}`,
    holdMusic: `${publicBaseUrl}/sounds/hold.wav`,
  };
}

const EVENTS = ['start', 'end', 'join', 'leave', 'hold'] as const;

/**
 * TwiML that puts a leg in the room. Nobody ends the room by leaving it: who is left decides (plan.ts),
 * and the server ends it. After the <Dial> nothing follows, so a leg removed from the room hangs up.
 */
export function renderJoinRoom(room: string, urls: ConferenceUrls): string {
  const response = new VoiceResponse();
  response.dial().conference(
    {
      beep: 'false',
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      waitUrl: '',
      statusCallback: urls.conference,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: [...EVENTS],
    },
    room,
  );
  return response.toString();
}

export interface DialIn {
  to: string;
  from: string;
  label: string;
  timeout: number;
}

export interface ConferenceApi {
  /** Runs new TwiML on a live leg (Calls update). */
  redirect(callSid: string, twiml: string): Promise<void>;
  /** Waits until every one of the legs is in the room; answers the conference SID. */
  seated(room: string, callSids: readonly string[]): Promise<string>;
  hold(conferenceSid: string, callSid: string, hold: boolean): Promise<void>;
  /** Dials a participant into the room; answers its CallSid. */
  dialIn(room: string, dial: DialIn): Promise<string>;
  remove(conferenceSid: string, callSid: string): Promise<void>;
  end(conferenceSid: string): Promise<void>;
}

/** A refusal from Twilio, in words for the person who asked. */
export class TwilioRefusedError extends Error {}

/** The account's API key, as the server's other REST clients use it. */
export function restLogin(config: { account: { apiKeySid: string; apiKeySecret: string; accountSid: string } }): RestLogin {
  return { username: config.account.apiKeySid, password: config.account.apiKeySecret, accountSid: config.account.accountSid };
}

const SEAT_POLL_MS = 100;
const SEAT_WAIT_MS = 10_000;

async function refusedAs<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    throw new TwilioRefusedError(`Twilio refused to ${what}${typeof e.code === 'number' ? ` (error ${e.code})` : ''}: ${String(e.message ?? err)}`);
  }
}

export function twilioConferences(login: RestLogin, urls: ConferenceUrls, httpClient?: twilio.RequestClient): ConferenceApi {
  const client = twilio(login.username, login.password, { accountSid: login.accountSid, ...(httpClient ? { httpClient } : {}) });
  return {
    redirect: (callSid, twiml) => refusedAs('move the call', async () => void (await client.calls(callSid).update({ twiml }))),
    async seated(room, callSids) {
      const until = Date.now() + SEAT_WAIT_MS;
      for (;;) {
        const [conference] = await client.conferences.list({ friendlyName: room, status: 'in-progress', limit: 1 });
        if (conference) {
          const present = new Set((await client.conferences(conference.sid).participants.list()).map((p) => p.callSid));
          if (callSids.every((sid) => present.has(sid))) return conference.sid;
        }
        if (Date.now() > until) throw new TwilioRefusedError('The call did not reach its conference in time.');
        await new Promise((r) => setTimeout(r, SEAT_POLL_MS));
      }
    },
    hold: (conferenceSid, callSid, hold) =>
      refusedAs(hold ? 'hold' : 'resume', async () =>
        void (await client.conferences(conferenceSid).participants(callSid).update(hold ? { hold: true, holdUrl: urls.holdMusic, holdMethod: 'GET' } : { hold: false })),
      ),
    dialIn: (room, dial) =>
      refusedAs('call the person', async () => {
        const p = await client.conferences(room).participants.create({
          from: dial.from, to: dial.to, label: dial.label, timeout: dial.timeout, beep: 'false', earlyMedia: false,
          startConferenceOnEnter: true, endConferenceOnExit: false, waitUrl: '',
          statusCallback: urls.leg(room), statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'],
          conferenceStatusCallback: urls.conference, conferenceStatusCallbackMethod: 'POST', conferenceStatusCallbackEvent: [...EVENTS],
        });
        return p.callSid;
      }),
    remove: (conferenceSid, callSid) =>
      refusedAs('take the person out of the call', async () => {
        try {
          await client.conferences(conferenceSid).participants(callSid).remove();
        } catch (err) {
          // Already gone (hung up meanwhile): what was asked is done.
          if ((err as { status?: number }).status !== 404) throw err;
        }
      }),
    end: (conferenceSid) => refusedAs('end the call', async () => void (await client.conferences(conferenceSid).update({ status: 'completed' }))),
  };
}
