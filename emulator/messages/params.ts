/** The form parameters of messaging webhooks and status callbacks, as Twilio sends them (pure). */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { API_VERSION } from '../calls/params';
import type { OptOutType } from './keywords';

/** Twilio's error texts for the codes a message can end with. */
export const MESSAGE_ERRORS: Record<number, string> = {
  11200: 'HTTP retrieval failure',
  12300: 'Invalid Content-Type',
  21610: 'Attempt to send to unsubscribed recipient',
  30003: 'Unreachable destination handset',
  30006: 'Landline or unreachable carrier',
  30019: 'Content size exceeds carrier limit',
  30034: 'Message from an unregistered number',
};

/** ISO 3166 country of a number, or '' when it is none the numbering plan knows. */
export function countryOf(number: string): string {
  return parsePhoneNumberFromString(number)?.country ?? '';
}

export interface CallbackFacts {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  messagingServiceSid: string | null;
}

/** One status callback: the status reached, and the error code when it failed or was not delivered. */
export function messageStatusParams(m: CallbackFacts, status: string, errorCode: number | null, at: Date): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: API_VERSION,
    From: m.from,
    MessageSid: m.sid,
    MessageStatus: status,
    SmsSid: m.sid,
    SmsStatus: status,
    To: m.to,
  };
  if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
  if (errorCode !== null && (status === 'failed' || status === 'undelivered')) params.ErrorCode = String(errorCode);
  // The carrier's delivery receipt time, YYMMDDhhmm in UTC, on the statuses a receipt reports.
  if (status === 'delivered' || status === 'undelivered') {
    const iso = at.toISOString();
    params.RawDlrDoneDate = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
  }
  return params;
}

export interface InboundFacts {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  numSegments: number;
  /** Absolute URLs of the media and their types, in order. */
  media: { url: string; contentType: string }[];
  messagingServiceSid: string | null;
  optOutType: OptOutType | null;
}

/** The messaging webhook's parameters for a text arriving at one of the account's numbers. */
export function inboundParams(m: InboundFacts): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: API_VERSION,
    Body: m.body,
    From: m.from,
    FromCity: '',
    FromCountry: countryOf(m.from),
    FromState: '',
    FromZip: '',
    MessageSid: m.sid,
    NumMedia: String(m.media.length),
    NumSegments: String(m.numSegments),
    ReferralNumMedia: '0',
    SmsMessageSid: m.sid,
    SmsSid: m.sid,
    SmsStatus: 'received',
    To: m.to,
    ToCity: '',
    ToCountry: countryOf(m.to),
    ToState: '',
    ToZip: '',
  };
  m.media.forEach((item, i) => {
    params[`MediaContentType${i}`] = item.contentType;
    params[`MediaUrl${i}`] = item.url;
  });
  if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
  if (m.optOutType) params.OptOutType = m.optOutType;
  return params;
}
