/**
 * The pictures of inbound messages, fetched from Twilio's REST media resource with the account's API key,
 * so the browser sees neither a Twilio URL nor a credential. A stored MediaUrl came from a webhook, so it is
 * used only when it names this account's media on the configured REST origin; the URL fetched is rebuilt
 * from that origin and the SIDs, never the stored string, so the key cannot be sent anywhere else.
 * Twilio answers with a redirect to its storage, followed once without the credentials.
 */
import type { IncomingMessage } from 'node:http';
import { openTwilioMedia } from '../twilio/media-fetch';
import type { MediaSource } from '../twilio/media-fetch';

/** Twilio's limit for one MMS, all media together; nothing larger is proxied. */
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
/** Shown inline in the conversation; any other type is offered as a download only. */
export const PICTURE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const MEDIA_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\/(MM[0-9a-f]{32})\/Media\/(ME[0-9a-f]{32})(?:\.json)?$/;

export type PictureSource = MediaSource;

/** The media URL to fetch for a stored one, or undefined when it is not this account's media on `origin` (pure). */
export function accountMediaUrl(stored: string, origin: string, accountSid: string): string | undefined {
  let url: URL;
  try {
    url = new URL(stored);
  } catch {
    return undefined;
  }
  const match = MEDIA_PATH.exec(url.pathname);
  if (url.origin !== new URL(origin).origin || url.username !== '' || url.password !== '' || url.search !== '' || match === null || match[1] !== accountSid) return undefined;
  return `${new URL(origin).origin}/2010-04-01/Accounts/${match[1]}/Messages/${match[2]}/Media/${match[3]}`;
}

/** The type to serve media as: one of the picture types, or undefined (offered as a download). */
export function pictureType(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return PICTURE_TYPES.includes(type) ? type : undefined;
}

export type PictureResult =
  | { kind: 'media'; body: Buffer; contentType: string | undefined }
  | { kind: 'gone' }
  | { kind: 'too-large' }
  | { kind: 'failed'; reason: string };

export interface MessageMedia {
  /** Where media may come from: the configured REST origin and the account. */
  origin: string;
  accountSid: string;
  /** Fetches a URL accountMediaUrl gave. */
  fetch(url: string): Promise<PictureResult>;
}

function readCapped(res: IncomingMessage): Promise<PictureResult> {
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > MAX_PICTURE_BYTES) {
    res.destroy();
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PICTURE_BYTES) {
        res.destroy();
        resolve({ kind: 'too-large' });
      } else chunks.push(chunk);
    });
    res.on('error', (err) => resolve({ kind: 'failed', reason: err.message }));
    res.on('end', () => resolve({ kind: 'media', body: Buffer.concat(chunks), contentType: res.headers['content-type'] }));
  });
}

export function twilioMessageMedia(source: PictureSource): MessageMedia {
  return {
    origin: source.origin,
    accountSid: source.account.accountSid,
    async fetch(url) {
      const opened = await openTwilioMedia(source, url);
      if ('failed' in opened) return { kind: 'failed', reason: opened.failed };
      const { res } = opened;
      if (res.statusCode === 404) {
        res.resume();
        return { kind: 'gone' };
      }
      if (res.statusCode !== 200) {
        res.resume();
        return { kind: 'failed', reason: `Twilio answered ${res.statusCode}` };
      }
      return readCapped(res);
    },
  };
}
