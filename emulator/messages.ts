/**
 * SMS between the account's numbers and simulated phones: REST-created messages are delivered to
 * the phone's inbox; a phone's message to an account number is POSTed to that number's smsUrl and
 * any <Message> in the TwiML reply comes back to the phone.
 */
import type { AccountRegistry } from './account';
import { API_VERSION } from './calls/params';
import type { WebhookClient } from './calls/webhook';
import type { PhoneNetwork } from './phones/network';
import { newSid } from './sid';
import { parseXml, textOf, type XmlElement } from './twiml/xml';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'received' | 'failed' | 'undelivered';

export interface MessageRecord {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  direction: 'inbound' | 'outbound-api' | 'outbound-reply';
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
}

const MAX_KEPT = 500;

/** Bodies of the <Message> verbs in a messaging TwiML reply (pure). */
export function replyBodies(twiml: string): string[] {
  const root = parseXml(twiml);
  if (root.name !== 'Response') throw new Error(`Root element must be <Response>, not <${root.name}>`);
  const out: string[] = [];
  for (const el of root.children) {
    if (typeof el === 'string' || el.name !== 'Message') continue;
    const body = el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'Body');
    out.push((body ? textOf(body) : textOf(el)).trim());
  }
  return out;
}

export interface MessageDeps {
  account: Pick<AccountRegistry, 'sid' | 'ownedNumber'>;
  phones: Pick<PhoneNetwork, 'get' | 'phoneFor'>;
  webhooks: WebhookClient;
}

export class MessageStore {
  private readonly messages = new Map<string, MessageRecord>();

  constructor(private readonly deps: MessageDeps) {}

  get(sid: string): MessageRecord | undefined {
    return this.messages.get(sid);
  }

  /** Oldest first. */
  values(): IterableIterator<MessageRecord> {
    return this.messages.values();
  }

  private add(m: Omit<MessageRecord, 'sid' | 'dateCreated' | 'dateUpdated' | 'dateSent' | 'errorCode' | 'errorMessage' | 'accountSid'>): MessageRecord {
    const now = new Date();
    const record: MessageRecord = {
      sid: newSid('SM'), accountSid: this.deps.account.sid, dateCreated: now, dateUpdated: now, dateSent: null,
      errorCode: null, errorMessage: null, ...m,
    };
    this.messages.set(record.sid, record);
    if (this.messages.size > MAX_KEPT) this.messages.delete(this.messages.keys().next().value!);
    return record;
  }

  /** REST: the account sends a message to a phone. */
  send(input: { from: string; to: string; body: string; statusCallback: string | null }, direction: 'outbound-api' | 'outbound-reply' = 'outbound-api'): MessageRecord {
    const record = this.add({ from: input.from, to: input.to, body: input.body, status: 'queued', direction, statusCallback: input.statusCallback });
    setTimeout(() => {
      this.setStatus(record, 'sent');
      record.dateSent = new Date();
      const phone = this.deps.phones.phoneFor(record.to);
      phone.messages.push({ sid: record.sid, direction: 'received', from: record.from, to: record.to, body: record.body, at: new Date().toISOString() });
      setTimeout(() => this.setStatus(record, 'delivered'), 50);
    }, 50);
    return record;
  }

  private setStatus(record: MessageRecord, status: MessageStatus): void {
    record.status = status;
    record.dateUpdated = new Date();
    if (!record.statusCallback) return;
    const params: Record<string, string> = {
      AccountSid: record.accountSid, ApiVersion: API_VERSION, From: record.from, To: record.to,
      MessageSid: record.sid, SmsSid: record.sid, MessageStatus: status, SmsStatus: status,
    };
    void this.deps.webhooks.request({ url: this.deps.webhooks.resolveUrl(record.statusCallback), method: 'POST', params });
  }

  /** A simulated phone texts one of the account's numbers. */
  async fromPhone(phoneNumber: string, to: string, body: string): Promise<{ message: MessageRecord; replies: MessageRecord[]; error?: string }> {
    const phone = this.deps.phones.phoneFor(phoneNumber);
    const record = this.add({ from: phoneNumber, to, body, status: 'received', direction: 'inbound', statusCallback: null });
    phone.messages.push({ sid: record.sid, direction: 'sent', from: phoneNumber, to, body, at: new Date().toISOString() });
    const owned = this.deps.account.ownedNumber(to);
    if (!owned) {
      const other = this.deps.phones.get(to);
      if (other) other.messages.push({ sid: record.sid, direction: 'received', from: phoneNumber, to, body, at: new Date().toISOString() });
      return { message: record, replies: [] };
    }
    if (!owned.smsUrl) return { message: record, replies: [], error: `${to} has no SMS URL configured` };
    const params: Record<string, string> = {
      AccountSid: record.accountSid, ApiVersion: API_VERSION, Body: body, From: phoneNumber, To: to,
      MessageSid: record.sid, SmsSid: record.sid, SmsMessageSid: record.sid, SmsStatus: 'received',
      NumMedia: '0', NumSegments: '1',
    };
    const result = await this.deps.webhooks.request({ url: owned.smsUrl, method: 'POST', params });
    if (!result.ok) {
      record.errorCode = result.code;
      record.errorMessage = result.message;
      return { message: record, replies: [], error: `${result.code} ${result.message}` };
    }
    let bodies: string[] = [];
    try {
      bodies = result.body.trim() ? replyBodies(result.body) : [];
    } catch (e) {
      record.errorCode = 12100;
      record.errorMessage = (e as Error).message;
      return { message: record, replies: [], error: `12100 ${(e as Error).message}` };
    }
    const replies = bodies.map((b) => this.send({ from: to, to: phoneNumber, body: b, statusCallback: null }, 'outbound-reply'));
    return { message: record, replies };
  }
}
