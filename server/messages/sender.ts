/**
 * Sending a text from the team number through the `twilio` helper's `messages.create`, and Twilio's
 * refusals put in words. A port, so route tests can stand in for Twilio; the composition root hands the
 * route the real one (pointed at the local stand-in in local mode).
 */
import twilio from 'twilio';
import type { MessageStatus } from '../../contracts/api/messages';
import { isMessageStatus } from './rules';

export interface SendRequest {
  to: string;
  body: string;
  statusCallback: string;
}

export interface SendResult {
  sid: string;
  status: MessageStatus;
  errorCode: number | null;
}

export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
}

/** Twilio would not take the message: its code (when it gave one) and a sentence for the person sending. */
export class SendRefusedError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** The refusals a sender can act on, in words; others quote Twilio's own message with its code. */
const REFUSALS: Record<number, string> = {
  21211: 'Twilio says this is not a valid phone number (error 21211).',
  21408: 'The team number may not send texts to this country: enable it in Twilio’s messaging geo permissions (error 21408).',
  21610: 'This number replied STOP: it gets no texts from the team until it texts START (error 21610).',
  21612: 'Twilio cannot route texts between the team number and this number (error 21612).',
  21614: 'This number cannot receive text messages, for example a landline (error 21614).',
  30034: 'The team number is not registered for US A2P 10DLC messaging, so carriers refuse its texts (error 30034).',
};

export function refusalMessage(code: number | undefined, twilioMessage: string): string {
  if (code !== undefined && REFUSALS[code]) return REFUSALS[code];
  return code === undefined ? `Twilio could not be reached or refused the message: ${twilioMessage}` : `Twilio refused the message (error ${code}): ${twilioMessage}`;
}

export interface SenderAccount {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  teamNumber: string;
}

export function twilioSender(account: SenderAccount, httpClient?: twilio.RequestClient): MessageSender {
  const client = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, ...(httpClient ? { httpClient } : {}) });
  return {
    async send(request) {
      try {
        const m = await client.messages.create({ to: request.to, from: account.teamNumber, body: request.body, statusCallback: request.statusCallback });
        return { sid: m.sid, status: isMessageStatus(m.status) ? m.status : 'queued', errorCode: m.errorCode ?? null };
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        const code = typeof e.code === 'number' ? e.code : undefined;
        throw new SendRefusedError(refusalMessage(code, typeof e.message === 'string' ? e.message : String(err)), code);
      }
    },
  };
}
