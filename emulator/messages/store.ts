/**
 * The account's messages (SM/MM SIDs): the only place records are added, changed or forgotten. A
 * status change updates the record and the handset's copies of it, and queues the status callback:
 * callbacks for one message are sent one after another, in the order of the statuses.
 */
import type { MessageDirection, MessageStatus, StatusCallbackAttempt } from '../../contracts/emulator/messages';
import type { PhoneMessage } from '../../contracts/emulator/phones';
import type { WebhookClient } from '../calls/webhook';
import { newSid } from '../sid';
import type { Logger } from '../types';
import type { MediaStore, StoredMedia } from './media';
import { MESSAGE_ERRORS, messageStatusParams } from './params';
import { segmentInfo, type SegmentInfo } from './segments';

export interface MessageRecord {
  sid: string;
  accountSid: string;
  /** Null while a Messaging Service has not chosen the sender yet. */
  from: string | null;
  to: string;
  body: string;
  status: MessageStatus;
  direction: MessageDirection;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  messagingServiceSid: string | null;
  segments: SegmentInfo;
  /** Outgoing messages: the MediaUrl values asked for (fetched while sending). */
  mediaUrls: string[];
  media: StoredMedia[];
  callbacks: StatusCallbackAttempt[];
  /** The handsets' copies (a phone's inbox or outbox) whose status follows this record. */
  copies: PhoneMessage[];
  /** Deleted through REST: a delivery still under way stops. */
  deleted: boolean;
}

export type NewMessage = Pick<MessageRecord, 'from' | 'to' | 'body' | 'status' | 'direction' | 'messagingServiceSid'>
  & Partial<Pick<MessageRecord, 'statusCallback' | 'statusCallbackMethod' | 'mediaUrls'>>;

const MAX_KEPT = 500;
const FINAL: MessageStatus[] = ['sent', 'delivered', 'undelivered', 'failed', 'received'];

export function isFinal(status: MessageStatus): boolean {
  return FINAL.includes(status);
}

/** Twilio counts a picture message as one segment, whatever its text. */
export function numSegments(m: Pick<MessageRecord, 'media' | 'mediaUrls' | 'segments'>): number {
  return m.media.length > 0 || m.mediaUrls.length > 0 ? 1 : m.segments.segments;
}

export function errorMessageFor(code: number | null): string | null {
  return code === null ? null : MESSAGE_ERRORS[code] ?? `Error ${code}`;
}

export interface MessageStoreDeps {
  accountSid: string;
  webhooks: WebhookClient;
  media: MediaStore;
  log: Logger;
}

export class MessageStore {
  private readonly records = new Map<string, MessageRecord>();
  private readonly callbackChains = new Map<string, Promise<void>>();

  constructor(private readonly deps: MessageStoreDeps) {}

  /** An MM SID when the message has media, as at Twilio. */
  add(fields: NewMessage, withMedia: boolean): MessageRecord {
    const now = new Date();
    const record: MessageRecord = {
      sid: newSid(withMedia ? 'MM' : 'SM'), accountSid: this.deps.accountSid, dateCreated: now, dateUpdated: now, dateSent: null,
      errorCode: null, errorMessage: null, statusCallback: null, statusCallbackMethod: 'POST', mediaUrls: [], media: [], callbacks: [],
      copies: [], deleted: false, segments: segmentInfo(fields.body), ...fields,
    };
    this.records.set(record.sid, record);
    if (this.records.size > MAX_KEPT) this.forget(this.records.keys().next().value!);
    return record;
  }

  get(sid: string): MessageRecord | undefined {
    return this.records.get(sid);
  }

  /** Newest first. */
  list(): MessageRecord[] {
    return [...this.records.values()].reverse();
  }

  /** DELETE Messages/{Sid}: only once delivery is over, as at Twilio. */
  remove(sid: string): 'removed' | 'in-progress' | 'missing' {
    const record = this.records.get(sid);
    if (!record) return 'missing';
    if (!isFinal(record.status)) return 'in-progress';
    this.forget(sid);
    return 'removed';
  }

  /** POST Messages/{Sid} with an empty Body: the text is erased, once delivery is over. */
  redact(record: MessageRecord): boolean {
    if (!isFinal(record.status)) return false;
    record.body = '';
    record.dateUpdated = new Date();
    return true;
  }

  private forget(sid: string): void {
    const record = this.records.get(sid);
    if (!record) return;
    record.deleted = true;
    for (const m of record.media) this.deps.media.remove(m.sid);
    this.records.delete(sid);
  }

  /** A copy on a handset that shows this record's status from now on. */
  addCopy(record: MessageRecord, copy: PhoneMessage): void {
    record.copies.push(copy);
  }

  setStatus(record: MessageRecord, status: MessageStatus, errorCode: number | null = null): void {
    const now = new Date();
    record.status = status;
    record.dateUpdated = now;
    if (errorCode !== null) {
      record.errorCode = errorCode;
      record.errorMessage = errorMessageFor(errorCode);
    }
    for (const copy of record.copies) {
      copy.status = status;
      copy.errorCode = record.errorCode;
    }
    if (record.statusCallback && record.from) this.queueCallback(record, status, now);
  }

  private queueCallback(record: MessageRecord, status: MessageStatus, at: Date): void {
    const url = record.statusCallback!;
    const params = messageStatusParams({ ...record, from: record.from! }, status, record.errorCode, at);
    const previous = this.callbackChains.get(record.sid) ?? Promise.resolve();
    const next = previous.then(async () => {
      const result = await this.deps.webhooks.request({ url, method: record.statusCallbackMethod, params });
      record.callbacks.push({
        status, url, at: new Date().toISOString(), ok: result.ok,
        httpStatus: result.ok ? result.status : result.status ?? null,
        error: result.ok ? null : `${result.code} ${result.message}`,
      });
      if (!result.ok) this.deps.log.warn({ messageSid: record.sid, status, code: result.code, url }, `message status callback failed: ${result.message}`);
    });
    this.callbackChains.set(record.sid, next);
    void next.finally(() => {
      if (this.callbackChains.get(record.sid) === next) this.callbackChains.delete(record.sid);
    });
  }
}
