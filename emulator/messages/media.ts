/**
 * The media of picture messages (ME SIDs): what phones send and what the account's outgoing messages
 * fetched from their MediaUrl. The REST media resource answers Basic-authenticated requests with a
 * redirect to a short-lived signed URL, as Twilio redirects to its storage.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { newSid } from '../sid';

export interface StoredMedia {
  sid: string;
  messageSid: string;
  contentType: string;
  bytes: Buffer;
  dateCreated: Date;
}

/** Twilio's limit for one MMS, all media together. */
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
export const MAX_MEDIA_PER_MESSAGE = 10;
/** How long a signed media URL works. */
const SIGNED_URL_SECONDS = 4 * 3600;

/** Types Twilio accepts in an MMS (images shown as such; audio, video, vCards, PDFs passed on). */
export function acceptedMediaType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return /^(image|audio|video)\/[a-z0-9.+-]+$/.test(type)
    || ['text/vcard', 'text/x-vcard', 'text/plain', 'text/calendar', 'application/pdf'].includes(type);
}

export class MediaStore {
  private readonly media = new Map<string, StoredMedia>();

  constructor(private readonly signingKey: string, private readonly now: () => number = Date.now) {}

  add(messageSid: string, contentType: string, bytes: Buffer): StoredMedia {
    const item: StoredMedia = { sid: newSid('ME'), messageSid, contentType: contentType.split(';')[0]!.trim(), bytes, dateCreated: new Date() };
    this.media.set(item.sid, item);
    return item;
  }

  get(sid: string): StoredMedia | undefined {
    return this.media.get(sid);
  }

  remove(sid: string): boolean {
    return this.media.delete(sid);
  }

  /** The path (on the emulator's origin) that serves this media's bytes for a while, without credentials. */
  signedPath(sid: string): string {
    const expires = Math.floor(this.now() / 1000) + SIGNED_URL_SECONDS;
    return `/emulator/media-content/${sid}?Expires=${expires}&Signature=${this.signature(sid, expires)}`;
  }

  /** The media a signed path names, if its signature holds and it has not expired. */
  verifySigned(sid: string, expires: string | undefined, signature: string | undefined): StoredMedia | undefined {
    if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) < this.now() / 1000) return undefined;
    const expected = Buffer.from(this.signature(sid, Number(expires)));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return this.media.get(sid);
  }

  private signature(sid: string, expires: number): string {
    return createHmac('sha256', this.signingKey).update(`${sid}:${expires}`).digest('base64url');
  }
}
