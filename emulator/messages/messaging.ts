/**
 * Text messages, put together: the records (./store.ts), their media (./media.ts), the account's
 * outgoing messages (./outbound.ts), phones texting numbers (./inbound.ts), opt-outs and Messaging
 * Services. The emulator holds one Messaging; REST, the control API and the console go through it.
 */
import type { MessageMedia } from '../../contracts/emulator/messages';
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import type { AccountRegistry } from '../account';
import type { WebhookClient } from '../calls/webhook';
import type { PhoneNetwork } from '../phones/network';
import type { Logger, MessagingOptions } from '../types';
import { DEFAULT_DELIVERY_DELAYS } from './delivery';
import { PhoneTexts, type PhoneText, type PhoneTextResult } from './inbound';
import { OptOuts } from './keywords';
import { MediaStore, type StoredMedia } from './media';
import { Outbox, type OutboundRequest, type SendResult } from './outbound';
import { MessagingServices } from './services';
import { MessageStore, type MessageRecord } from './store';

export interface MessagingDeps {
  account: Pick<AccountRegistry, 'sid' | 'ownedNumber' | 'credentials'>;
  phones: Pick<PhoneNetwork, 'get' | 'phoneFor'>;
  webhooks: WebhookClient;
  publicOrigin: string;
  options?: MessagingOptions;
  /** PEM trusted when fetching a MediaUrl over HTTPS (local mode's certificate). */
  fetchCa?: string;
  log: Logger;
}

/** A media's bytes on the control API, for the console (no credentials: loopback only). */
export function mediaView(m: StoredMedia): MessageMedia {
  return { sid: m.sid, contentType: m.contentType, size: m.bytes.length, url: `${CONTROL_API_PREFIX}/media/${m.sid}` };
}

export class Messaging {
  readonly store: MessageStore;
  readonly media: MediaStore;
  readonly optOuts = new OptOuts();
  readonly services: MessagingServices;
  private readonly outbox: Outbox;
  private readonly texts: PhoneTexts;

  constructor(deps: MessagingDeps) {
    const { account, phones, webhooks, log } = deps;
    this.media = new MediaStore(account.credentials.authToken);
    this.store = new MessageStore({ accountSid: account.sid, webhooks, media: this.media, log });
    this.services = new MessagingServices(deps.options?.services);
    const delays = { ...DEFAULT_DELIVERY_DELAYS, ...deps.options?.delaysMs };
    const shared = { account, phones, store: this.store, media: this.media, services: this.services, optOuts: this.optOuts, mediaView, log };
    this.outbox = new Outbox({ ...shared, delays, ...(deps.fetchCa ? { fetchCa: deps.fetchCa } : {}) });
    this.texts = new PhoneTexts({ ...shared, webhooks, outbox: this.outbox, publicOrigin: deps.publicOrigin });
  }

  get(sid: string): MessageRecord | undefined {
    return this.store.get(sid);
  }

  /** The account sends a message (REST, or a <Message> reply). */
  send(req: OutboundRequest): SendResult {
    return this.outbox.send(req);
  }

  /** A simulated phone texts a number. */
  fromPhone(phoneNumber: string, to: string, text: PhoneText): Promise<PhoneTextResult> {
    return this.texts.send(phoneNumber, to, text);
  }

  /** The account's numbers or services this phone has opted out of. */
  optedOutOf(phoneNumber: string): string[] {
    return this.optOuts.sendersStoppedBy(phoneNumber);
  }
}
