/**
 * GET of a Twilio REST media resource (a recording, a message's media) with the account's API key.
 * Twilio answers with a redirect to its storage, which is followed once, over https only and without the
 * credentials, so the key never leaves the configured REST origin. Callers build `url` from that origin
 * and SIDs, never from a string a webhook sent.
 */
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { TwilioAccount } from '../config';

const TIMEOUT_MS = 15_000;

export interface MediaSource {
  account: Pick<TwilioAccount, 'accountSid' | 'apiKeySid' | 'apiKeySecret'>;
  /** https://api.twilio.com, the emulator's origin (local mode), or TWILIO_TEST_ENDPOINT. */
  origin: string;
  /** PEM to trust for a local origin. */
  ca?: string;
}

function get(source: MediaSource, url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, timeout: TIMEOUT_MS, ...(source.ca ? { ca: source.ca } : {}) }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Opens `url` (with `headers`, e.g. Range, kept on the redirect); the caller consumes or destroys the answer. */
export async function openTwilioMedia(
  source: MediaSource,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ res: IncomingMessage } | { failed: string }> {
  const auth = `Basic ${Buffer.from(`${source.account.apiKeySid}:${source.account.apiKeySecret}`).toString('base64')}`;
  try {
    let res = await get(source, url, { authorization: auth, ...headers });
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location !== undefined) {
      res.resume();
      const next = new URL(location, url);
      if (next.protocol !== 'https:') return { failed: 'Twilio redirected the media to a URL that is not https' };
      res = await get(source, next.toString(), headers);
    }
    return { res };
  } catch (err) {
    return { failed: (err as Error).message };
  }
}
