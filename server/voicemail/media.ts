/**
 * The audio of a voicemail, fetched from Twilio's REST media URL with the account's API key (Basic auth),
 * so the browser needs neither a Twilio URL nor a credential. The URL is built from the RecordingSid and
 * the configured REST origin, never taken from a callback: a request could otherwise send the account's
 * credentials anywhere. In local mode the origin is the emulator's, whose certificate is passed as `ca`.
 *
 * Players ask for a file several times (metadata, then ranges as they seek), so the few most recently
 * played recordings are kept in memory; a message is at most a few MB (8 kHz WAV: 16 KB a second).
 */
import { request } from 'node:https';
import type { TwilioAccount } from '../config';

export const TWILIO_REST_ORIGIN = 'https://api.twilio.com';
/** Recordings kept in memory at once. */
const CACHED = 8;
const TIMEOUT_MS = 15_000;
/** Larger than any recording VOICEMAIL_MAX_SECONDS allows (3600 s of 8 kHz 16-bit WAV is 57.6 MB). */
const MAX_BYTES = 64 * 1024 * 1024;

export type MediaResult = { kind: 'audio'; body: Buffer; contentType: string } | { kind: 'gone' } | { kind: 'failed'; reason: string };

export interface RecordingMedia {
  fetch(recordingSid: string): Promise<MediaResult>;
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

function get(source: MediaSource, url: string): Promise<MediaResult> {
  const auth = Buffer.from(`${source.account.apiKeySid}:${source.account.apiKeySecret}`).toString('base64');
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', headers: { authorization: `Basic ${auth}` }, timeout: TIMEOUT_MS, ...(source.ca ? { ca: source.ca } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 404) {
        res.resume();
        resolve({ kind: 'gone' });
        return;
      }
      if (status !== 200) {
        res.resume();
        resolve({ kind: 'failed', reason: `Twilio answered ${status}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          req.destroy();
          resolve({ kind: 'failed', reason: 'the recording is larger than any voicemail can be' });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ kind: 'audio', body: Buffer.concat(chunks), contentType: 'audio/wav' }));
      res.on('error', (err) => resolve({ kind: 'failed', reason: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve({ kind: 'failed', reason: err.message }));
    req.end();
  });
}

export function twilioRecordingMedia(source: MediaSource): RecordingMedia {
  const cache = new Map<string, Promise<MediaResult>>();
  return {
    fetch(recordingSid) {
      const hit = cache.get(recordingSid);
      if (hit) {
        // Most recently used last.
        cache.delete(recordingSid);
        cache.set(recordingSid, hit);
        return hit;
      }
      const pending = get(source, mediaUrl(source, recordingSid));
      cache.set(recordingSid, pending);
      // Only audio is worth keeping; a failure is tried again next time.
      void pending.then((r) => {
        if (r.kind !== 'audio') cache.delete(recordingSid);
      });
      while (cache.size > CACHED) cache.delete(cache.keys().next().value!);
      return pending;
    },
  };
}
