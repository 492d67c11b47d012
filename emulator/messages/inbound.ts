/**
 * A simulated phone texts a number. To one of the account's numbers: the message is recorded
 * (`received`), Twilio's default opt-out keywords are applied and answered, the number's SMS URL gets
 * the signed webhook (with MediaUrl{N} on the emulator's REST media resource), and the <Message>
 * replies in its TwiML go back out. To anyone else: the other phone simply gets the text.
 */
import type { MessageMedia } from '../../contracts/emulator/messages';
import type { AccountRegistry } from '../account';
import type { WebhookClient } from '../calls/webhook';
import type { PhoneNetwork } from '../phones/network';
import { newSid } from '../sid';
import type { Logger } from '../types';
import { KEYWORD_REPLIES, optOutType, type OptOuts } from './keywords';
import type { MediaStore, StoredMedia } from './media';
import { keepOnHandset as keep, type Outbox } from './outbound';
import { inboundParams } from './params';
import { segmentInfo } from './segments';
import type { MessagingServices } from './services';
import type { MessageRecord, MessageStore } from './store';
import { messagingTwiml } from './twiml';

export interface PhoneText {
  body: string;
  media: { contentType: string; bytes: Buffer }[];
}

export interface PhoneTextResult {
  sid: string;
  record: MessageRecord | null;
  /** The bodies of the replies the number's TwiML sent back. */
  replies: string[];
  /** Why the webhook gave no replies, or why some were not sent. */
  error: string | null;
  /** Twilio's own answer to STOP, START or HELP. */
  autoReply: string | null;
  numSegments: number;
  numMedia: number;
}

/** The number's messaging configuration; smsMethod where the account registry has one. */
type MessagingConfig = { smsUrl?: string; smsMethod?: 'GET' | 'POST' };

export interface PhoneTextsDeps {
  account: Pick<AccountRegistry, 'sid' | 'ownedNumber'>;
  phones: Pick<PhoneNetwork, 'phoneFor'>;
  webhooks: WebhookClient;
  store: MessageStore;
  media: MediaStore;
  outbox: Outbox;
  services: MessagingServices;
  optOuts: OptOuts;
  mediaView: (m: StoredMedia) => MessageMedia;
  publicOrigin: string;
  log: Logger;
}

export class PhoneTexts {
  constructor(private readonly deps: PhoneTextsDeps) {}

  async send(phoneNumber: string, to: string, text: PhoneText): Promise<PhoneTextResult> {
    const { account, phones, store, media } = this.deps;
    const phone = phones.phoneFor(phoneNumber);
    const segments = segmentInfo(text.body);
    const owned = account.ownedNumber(to);
    const base = { replies: [], error: null, autoReply: null, numSegments: text.media.length > 0 ? 1 : segments.segments, numMedia: text.media.length };
    if (!owned) {
      // Between two phones: no Twilio account is involved, the carrier just hands the text over.
      const sid = newSid(text.media.length > 0 ? 'MM' : 'SM');
      const items = text.media.map((m) => this.deps.mediaView(media.add(sid, m.contentType, m.bytes)));
      const copy = { sid, from: phoneNumber, to, body: text.body, at: new Date().toISOString(), status: 'delivered' as const, errorCode: null, media: items };
      keep(phone.messages, { ...copy, direction: 'sent' });
      keep(phones.phoneFor(to).messages, { ...copy, direction: 'received' });
      return { sid, record: null, ...base };
    }

    const serviceSid = this.deps.services.serviceOf(to)?.sid ?? null;
    const record = store.add({ from: phoneNumber, to, body: text.body, status: 'received', direction: 'inbound', messagingServiceSid: serviceSid }, text.media.length > 0);
    record.media = text.media.map((m) => media.add(record.sid, m.contentType, m.bytes));
    record.dateSent = new Date();
    const copy = {
      sid: record.sid, direction: 'sent' as const, from: phoneNumber, to, body: text.body, at: record.dateCreated.toISOString(),
      status: record.status, errorCode: null, media: record.media.map(this.deps.mediaView),
    };
    store.addCopy(record, copy);
    keep(phone.messages, copy);

    const keyword = optOutType(text.body);
    let autoReply: string | null = null;
    if (keyword) {
      this.deps.optOuts.apply(keyword, this.deps.services.optOutScope(to), phoneNumber);
      autoReply = KEYWORD_REPLIES[keyword];
      this.deps.outbox.sendKeywordReply(to, phoneNumber, autoReply);
    }
    const result = { ...base, autoReply, numSegments: record.media.length > 0 ? 1 : record.segments.segments };
    const config: MessagingConfig = owned;
    if (!config.smsUrl) return { sid: record.sid, record, ...result, error: `${to} has no SMS URL configured` };

    const params = inboundParams({
      sid: record.sid, accountSid: account.sid, from: phoneNumber, to, body: text.body, numSegments: result.numSegments,
      media: record.media.map((m) => ({ url: this.mediaUrl(record.sid, m.sid), contentType: m.contentType })),
      messagingServiceSid: serviceSid, optOutType: keyword,
    });
    const answer = await this.deps.webhooks.request({ url: config.smsUrl, method: config.smsMethod ?? 'POST', params });
    if (!answer.ok) {
      this.fail(record, answer.code, answer.message);
      return { sid: record.sid, record, ...result, error: `${answer.code} ${answer.message}` };
    }
    let twiml;
    try {
      twiml = messagingTwiml(answer.body);
    } catch (e) {
      this.fail(record, 12100, (e as Error).message);
      return { sid: record.sid, record, ...result, error: `12100 ${(e as Error).message}` };
    }
    const replies: string[] = [];
    const problems = twiml.unsupported.map((name) => `<${name}> is not supported in messaging TwiML by this emulator`);
    for (const reply of twiml.replies) {
      const sent = this.deps.outbox.send({
        to: reply.to ?? phoneNumber, from: reply.from ?? to, body: reply.body, direction: 'outbound-reply',
        mediaUrls: reply.media.map((u) => this.deps.webhooks.resolveUrl(u, config.smsUrl)),
        ...(reply.action ? { statusCallback: this.deps.webhooks.resolveUrl(reply.action, config.smsUrl), statusCallbackMethod: reply.method } : {}),
      });
      if (sent.ok) replies.push(reply.body);
      else problems.push(`reply not sent: ${sent.code} ${sent.message}`);
    }
    return { sid: record.sid, record, ...result, replies, error: problems.length > 0 ? problems.join('; ') : null };
  }

  /** Where the application fetches a received media: the REST media resource (Basic auth). */
  private mediaUrl(messageSid: string, mediaSid: string): string {
    return `${this.deps.publicOrigin.replace(/\/$/, '')}/2010-04-01/Accounts/${this.deps.account.sid}/Messages/${messageSid}/Media/${mediaSid}`;
  }

  private fail(record: MessageRecord, code: number, message: string): void {
    record.errorCode = code;
    record.errorMessage = message;
    this.deps.log.warn({ messageSid: record.sid, code }, `messaging webhook failed: ${message}`);
  }
}
