/**
 * The contract between the emulator and whoever hosts it (the app server in local mode, or
 * `npm run emulator` standalone). Everything the emulator knows about "the Twilio account" comes
 * from here, exactly as Twilio would know it from its console.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PhoneBehaviour, PhoneSms } from '../contracts/emulator/phones';

export type { PhoneBehaviour };
export type Logger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EmulatorAccount {
  /** AC + 32 hex */
  accountSid: string;
  /** 32 hex; signs webhooks (X-Twilio-Signature) and authenticates REST calls. */
  authToken: string;
  /** API keys that may sign AccessTokens and authenticate REST calls. */
  apiKeys: { sid: string; secret: string }[];
}

/** A TwiML App: where outgoing SDK calls (grant.outgoing.application_sid) fetch their TwiML. */
export interface EmulatorApplication {
  /** AP + 32 hex */
  sid: string;
  voiceUrl: string;
  voiceMethod?: 'POST' | 'GET';
  /** Optional status callback for calls made through this application. */
  statusCallback?: string;
}

/** A phone number the account owns; calls from the simulated phone network to it run its TwiML. */
export interface EmulatorNumber {
  /** E.164 */
  phoneNumber: string;
  /** Calls to this number use this application's voiceUrl. */
  voiceApplicationSid?: string;
  /** Or a voice URL of its own. */
  voiceUrl?: string;
  /** Inbound messages from simulated phones to this number are POSTed here. */
  smsUrl?: string;
}

export interface SimulatedPhoneSpec {
  /** E.164 */
  number: string;
  /** Shown in the console. */
  name: string;
  behaviour: PhoneBehaviour;
  /** How texts to this phone are delivered (default: delivered). */
  sms?: PhoneSms;
}

/** A Messaging Service: a pool of the account's numbers that messages can be sent from. */
export interface EmulatorMessagingService {
  /** MG + 32 hex */
  sid: string;
  friendlyName?: string;
  /** Numbers of the account in its sender pool (E.164). */
  numbers: string[];
  /** Status callbacks for its messages that name none of their own. */
  statusCallback?: string;
}

export interface MessagingOptions {
  /**
   * Milliseconds an outgoing message waits before each status: queued → sending, sending → sent and
   * sent → delivered (or undelivered). Defaults: 50, 150 and 300.
   */
  delaysMs?: { sending?: number; sent?: number; delivered?: number };
  services?: EmulatorMessagingService[];
}

export interface EmulatorOptions {
  account: EmulatorAccount;
  applications: EmulatorApplication[];
  numbers: EmulatorNumber[];
  phones?: SimulatedPhoneSpec[];
  /** Text message timing and Messaging Services. */
  messaging?: MessagingOptions;
  /** Origin where this emulator is reachable by browsers, e.g. https://localhost:3000. */
  publicOrigin: string;
  /** PEM to trust when fetching webhooks from a self-signed HTTPS origin (local mode). */
  webhookCa?: string;
  /** Seconds to wait for a webhook before treating it as failed (Twilio: 15). */
  webhookTimeoutSeconds?: number;
  logger?: FastifyBaseLogger;
}
