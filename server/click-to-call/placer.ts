/**
 * Placing, reading and ending calls through the `twilio` helper's `calls` resource: a port, so route tests
 * stand in for Twilio; the composition root hands the routes the real one (pointed at the local stand-in in
 * local mode), as it does the message sender.
 */
import twilio from 'twilio';
import type { SenderAccount } from '../messages/sender';

export interface PlaceRequest {
  to: string;
  from: string;
  url: string;
  statusCallback: string;
}

export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  status: string;
}

export interface CallPlacer {
  place(request: PlaceRequest): Promise<PlacedCall>;
  /** Undefined when Twilio has no such call. */
  fetch(sid: string): Promise<PlacedCall | undefined>;
  end(sid: string): Promise<void>;
}

/** Twilio refused: its code when it gave one, and its message. */
export class PlaceRefusedError extends Error {
  constructor(message: string, readonly code: number | undefined) {
    super(message);
  }
}

function refused(err: unknown): PlaceRefusedError {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'number' ? e.code : undefined;
  const text = typeof e.message === 'string' ? e.message : String(err);
  return new PlaceRefusedError(code === undefined ? `Twilio could not be reached: ${text}` : `Twilio refused the call (error ${code}): ${text}`, code);
}

export function twilioPlacer(account: SenderAccount, httpClient?: twilio.RequestClient): CallPlacer {
  const client = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, ...(httpClient ? { httpClient } : {}) });
  const shape = (c: { sid: string; to: string; from: string; status: string }): PlacedCall => ({ sid: c.sid, to: c.to, from: c.from, status: c.status });
  return {
    async place(request) {
      try {
        return shape(await client.calls.create({
          to: request.to,
          from: request.from,
          url: request.url,
          statusCallback: request.statusCallback,
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          statusCallbackMethod: 'POST',
          // Long enough to find the phone in a pocket; a voicemail box answering is kept out by the <Gather>.
          timeout: 30,
        }));
      } catch (err) {
        throw refused(err);
      }
    },
    async fetch(sid) {
      try {
        return shape(await client.calls(sid).fetch());
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) return undefined;
        throw refused(err);
      }
    },
    async end(sid) {
      try {
        await client.calls(sid).update({ status: 'completed' });
      } catch (err) {
        throw refused(err);
      }
    },
  };
}
