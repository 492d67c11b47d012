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
import type { Readable } from 'node:stream';
import { openTwilioMedia } from '../twilio/media-fetch';
import type { MediaSource } from '../twilio/media-fetch';

export type { MediaSource };

export const TWILIO_REST_ORIGIN = 'https://api.twilio.com';

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

export function mediaUrl(source: MediaSource, recordingSid: string): string {
  return `${source.origin}/2010-04-01/Accounts/${encodeURIComponent(source.account.accountSid)}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
}

export function twilioRecordingMedia(source: MediaSource): RecordingMedia {
  return {
    async open(recordingSid, range) {
      const opened = await openTwilioMedia(source, mediaUrl(source, recordingSid), range === undefined ? {} : { range });
      if ('failed' in opened) return { kind: 'failed', reason: opened.failed };
      const { res } = opened;
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
