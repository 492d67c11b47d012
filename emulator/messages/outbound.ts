/**
 * Messages the account sends (REST Messages.json, <Message> replies, Twilio's own keyword replies):
 * who may send what to whom, then the delivery on the emulator's clock — accepted (through a
 * Messaging Service) → queued → sending (media fetched) → sent → delivered, or the failure the
 * destination's carrier gives — and the text on the phone's handset.
 */
import type { MessageDirection, MessageMedia } from '../../contracts/emulator/messages';
import type { AccountRegistry } from '../account';
import { FetchError, fetchUrl } from '../http-fetch';
import { isE164 } from '../phones/phone';
import type { PhoneNetwork } from '../phones/network';
import type { Logger } from '../types';
import { deliveryPlan, type DeliveryDelays } from './delivery';
import type { OptOuts } from './keywords';
import { acceptedMediaType, MAX_MEDIA_BYTES, type MediaStore, type StoredMedia } from './media';
import type { MessagingServices } from './services';
import type { MessageRecord, MessageStore } from './store';

export interface OutboundRequest {
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  mediaUrls: string[];
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
  direction: Exclude<MessageDirection, 'inbound'>;
}

/** A refusal as the REST API answers it (HTTP 400 with Twilio's code). */
export interface Refusal {
  code: number;
  message: string;
}

export type SendResult = { ok: true; record: MessageRecord } | ({ ok: false } & Refusal);

export interface OutboxDeps {
  account: Pick<AccountRegistry, 'ownedNumber'>;
  phones: Pick<PhoneNetwork, 'get' | 'phoneFor'>;
  store: MessageStore;
  media: MediaStore;
  services: MessagingServices;
  optOuts: OptOuts;
  delays: DeliveryDelays;
  /** The control API path of a media's bytes, for handset copies. */
  mediaView: (m: StoredMedia) => MessageMedia;
  fetchCa?: string;
  log: Logger;
}

/** Kept per phone: the latest texts on a handset. */
const MAX_ON_HANDSET = 200;

export function keepOnHandset<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_ON_HANDSET) list.splice(0, list.length - MAX_ON_HANDSET);
}

/** Refusals a Messaging Service turns into a failed message instead of an error at once. */
const LATE_WITH_SERVICE = [21610, 21612];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  /** Who sends this and whether it may: a refusal is what Twilio answers at once, before any record exists. */
  private sender(req: OutboundRequest): { from: string | null; serviceSid: string | null } | Refusal {
    const { account, services, optOuts } = this.deps;
    let serviceSid: string | null = null;
    if (req.messagingServiceSid !== undefined) {
      const service = services.get(req.messagingServiceSid);
      if (!service) return { code: 21701, message: `The Messaging Service Sid ${req.messagingServiceSid} is invalid.` };
      if (service.numbers.length === 0) return { code: 21704, message: `The Messaging Service ${service.sid} contains no phone numbers.` };
      serviceSid = service.sid;
    }
    const from = req.from ?? null;
    if (from === null && serviceSid === null) return { code: 21603, message: "A 'From' phone number is required." };
    if (from !== null && !isE164(from)) return { code: 21212, message: `Invalid From Number (caller ID): ${from}` };
    if (from !== null && !account.ownedNumber(from)) {
      return { code: 21606, message: `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.` };
    }
    if (from === req.to) return { code: 21266, message: "'To' and 'From' number cannot be the same" };
    if (account.ownedNumber(req.to)) {
      return { code: 21612, message: `The 'To' phone number: ${req.to}, is not currently reachable using the 'From' phone number via SMS.` };
    }
    const scope = serviceSid ?? services.optOutScope(from!);
    if (optOuts.has(scope, req.to)) return { code: 21610, message: 'Attempt to send to unsubscribed recipient' };
    return { from, serviceSid: serviceSid ?? (from ? services.serviceOf(from)?.sid ?? null : null) };
  }

  send(req: OutboundRequest): SendResult {
    const who = this.sender(req);
    if ('code' in who) {
      // Through a Messaging Service, Twilio accepts first and fails the message afterwards.
      if (req.from === undefined && req.messagingServiceSid !== undefined && LATE_WITH_SERVICE.includes(who.code)) {
        return { ok: true, record: this.start(req, null, req.messagingServiceSid, who.code) };
      }
      return { ok: false, ...who };
    }
    return { ok: true, record: this.start(req, who.from, who.serviceSid) };
  }

  /** Twilio's own answer to STOP/START/HELP: sent even to a number that has just opted out. */
  sendKeywordReply(from: string, to: string, body: string): MessageRecord {
    return this.start({ to, from, body, mediaUrls: [], direction: 'outbound-reply' }, from, this.deps.services.serviceOf(from)?.sid ?? null);
  }

  private start(req: OutboundRequest, from: string | null, serviceSid: string | null, failWith: number | null = null): MessageRecord {
    const record = this.deps.store.add({
      from, to: req.to, body: req.body, direction: req.direction, messagingServiceSid: serviceSid,
      status: from === null ? 'accepted' : 'queued',
      statusCallback: req.statusCallback ?? (serviceSid ? this.deps.services.get(serviceSid)?.statusCallback ?? null : null),
      statusCallbackMethod: req.statusCallbackMethod ?? 'POST',
      mediaUrls: req.mediaUrls,
    }, req.mediaUrls.length > 0);
    void this.deliver(record, failWith).catch((err: unknown) => this.deps.log.error({ err, messageSid: record.sid }, 'message delivery failed'));
    return record;
  }

  private async deliver(record: MessageRecord, failWith: number | null): Promise<void> {
    const { store, delays, phones } = this.deps;
    if (record.status === 'accepted') {
      await sleep(delays.sending);
      if (record.deleted) return;
      const service = this.deps.services.get(record.messagingServiceSid!)!;
      record.from = this.deps.services.senderFor(service, record.to)!;
      if (failWith !== null) {
        store.setStatus(record, 'failed', failWith);
        return;
      }
      store.setStatus(record, 'queued');
    }
    const delivery = phones.get(record.to)?.spec.sms?.delivery ?? 'delivered';
    for (const step of deliveryPlan(delivery, delays)) {
      await sleep(step.afterMs);
      if (record.deleted) return;
      if (step.status === 'sent') record.dateSent = new Date();
      store.setStatus(record, step.status, step.errorCode);
      if (step.status === 'sending' && record.mediaUrls.length > 0) {
        const failure = await this.fetchMedia(record);
        if (failure !== null) {
          store.setStatus(record, 'failed', failure);
          return;
        }
      }
      if (step.reachesPhone) this.toHandset(record);
    }
  }

  /** Twilio fetches each MediaUrl while sending; an error code when one cannot be sent. */
  private async fetchMedia(record: MessageRecord): Promise<number | null> {
    let total = 0;
    for (const url of record.mediaUrls) {
      try {
        const got = await fetchUrl(url, { maxBytes: MAX_MEDIA_BYTES, ...(this.deps.fetchCa ? { ca: this.deps.fetchCa } : {}) });
        if (!acceptedMediaType(got.contentType)) return 12300;
        total += got.body.length;
        if (total > MAX_MEDIA_BYTES) return 30019;
        record.media.push(this.deps.media.add(record.sid, got.contentType, got.body));
      } catch (err) {
        this.deps.log.warn({ messageSid: record.sid, url, err: (err as Error).message }, 'message media could not be fetched');
        return err instanceof FetchError && /larger than/.test(err.message) ? 30019 : 11200;
      }
    }
    return null;
  }

  private toHandset(record: MessageRecord): void {
    const phone = this.deps.phones.phoneFor(record.to);
    const copy = {
      sid: record.sid, direction: 'received' as const, from: record.from!, to: record.to, body: record.body, at: new Date().toISOString(),
      status: record.status, errorCode: record.errorCode, media: record.media.map(this.deps.mediaView),
    };
    this.deps.store.addCopy(record, copy);
    keepOnHandset(phone.messages, copy);
  }
}
