/**
 * The audio of a voicemail, streamed from Twilio's REST media URL with the account's API key (Basic auth),
 * so the browser needs neither a Twilio URL nor a credential. The URL is built from the RecordingSid and
 * the configured REST origin, never taken from a callback: a request could otherwise send the account's
 * credentials anywhere. In local mode the origin is the emulator's, whose certificate is passed as `ca`.
 *
 * Nothing is held in memory: the player's Range goes upstream, and the answer is piped to the browser as
 * it arrives (route: routes/voicemails.ts, which also slices a whole answer when the upstream ignored the
 * Range). A redirect to the media's own storage is followed once, without the credentials.
 */
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { TwilioAccount } from '../config';

export const TWILIO_REST_ORIGIN = 'https://api.twilio.com';
const TIMEOUT_MS = 15_000;

export type MediaResult =
  | {
      kind: 'audio';
      /** 200 (whole file), 206 (the range asked for) or 416 (a range the file does not have). */
      status: number;
      contentType: string;
      /** Bytes in this answer's body (200, 206). */
      contentLength: number | undefined;
      /** As the upstream said it (206, 416). */
      contentRange: string | undefined;
      body: Readable;
    }
  | { kind: 'gone' }
  | { kind: 'failed'; reason: string };

export interface RecordingMedia {
  /** The recording, or the part `range` (a single-range Range header) asks for; the caller must consume or destroy the body. */
  open(recordingSid: string, range?: string): Promise<MediaResult>;
}

export interface MediaSource {
  account: Pick<TwilioAccount, 'accountSid' | 'apiKeySid' | 'apiKeySecret'>;
  /** https://api.twilio.com, the emulator's origin (local mode), or TWILIO_TEST_ENDPOINT. */
  origin: string;
  /** PEM to trust for a local origin. */
  ca?: string;
}

export function mediaUrl(source: MediaSource, recordingSid: string): string {
  return `${source.origin}/2010-04-01/Accounts/${encodeURIComponent(source.account.accountSid)}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
}

function get(source: MediaSource, url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, timeout: TIMEOUT_MS, ...(source.ca ? { ca: source.ca } : {}) }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

export function twilioRecordingMedia(source: MediaSource): RecordingMedia {
  const auth = `Basic ${Buffer.from(`${source.account.apiKeySid}:${source.account.apiKeySecret}`).toString('base64')}`;
  return {
    async open(recordingSid, range) {
      const rangeHeader: Record<string, string> = range === undefined ? {} : { range };
      let res: IncomingMessage;
      try {
        res = await get(source, mediaUrl(source, recordingSid), { authorization: auth, ...rangeHeader });
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location !== undefined) {
          res.resume();
          const next = new URL(location, mediaUrl(source, recordingSid));
          if (next.protocol !== 'https:') return { kind: 'failed', reason: 'Twilio redirected the media to a URL that is not https' };
          res = await get(source, next.toString(), rangeHeader);
        }
      } catch (err) {
        return { kind: 'failed', reason: (err as Error).message };
      }
      const status = res.statusCode ?? 0;
      if (status === 404) {
        res.resume();
        return { kind: 'gone' };
      }
      if (status !== 200 && status !== 206 && status !== 416) {
        res.resume();
        return { kind: 'failed', reason: `Twilio answered ${status}` };
      }
      const length = res.headers['content-length'];
      return {
        kind: 'audio',
        status,
        contentType: 'audio/wav',
        contentLength: length === undefined ? undefined : Number(length),
        contentRange: res.headers['content-range'],
        body: res,
      };
    },
  };
}
