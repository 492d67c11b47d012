/**
 * The contract between the emulator and whoever hosts it (the app server in local mode, or
 * `npm run emulator` standalone). Everything the emulator knows about "the Twilio account" comes
 * from here, exactly as Twilio would know it from its console.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PhoneBehaviour, PhoneSms } from '../contracts/emulator/phones';
import type { Misconfiguration } from '../contracts/emulator/account';

export type { PhoneBehaviour, Misconfiguration };
export type Logger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EmulatorAccount {
  /** AC + 32 hex */
  accountSid: string;
  /** 32 hex; signs webhooks (X-Twilio-Signature) and authenticates REST calls. */
  authToken: string;
  /** API keys that may sign AccessTokens and authenticate REST calls. */
  apiKeys: EmulatorApiKey[];
  /** The account's name in Twilio's console (REST `friendly_name`). */
  friendlyName?: string;
}

export interface EmulatorApiKey {
  /** SK + 32 hex */
  sid: string;
  secret: string;
  friendlyName?: string;
}

/** A TwiML App: where outgoing SDK calls (grant.outgoing.application_sid) fetch their TwiML. */
export interface EmulatorApplication {
  /** AP + 32 hex */
  sid: string;
  voiceUrl: string;
  voiceMethod?: 'POST' | 'GET';
  /**
   * Status callback for calls this application handles: calls placed by the Voice SDK with it, and calls to
   * numbers that use it. As on Twilio, it reports only the end of the call ("completed" with the final status).
   */
  statusCallback?: string;
  statusCallbackMethod?: 'POST' | 'GET';
  friendlyName?: string;
  smsUrl?: string;
}

/** A phone number the account owns; calls from the simulated phone network to it run its TwiML. */
export interface EmulatorNumber {
  /** E.164 */
  phoneNumber: string;
  /** Calls to this number use this application's voiceUrl. */
  voiceApplicationSid?: string;
  /** Or a voice URL of its own. */
  voiceUrl?: string;
  /** With its own voice URL: the status callback for calls to it (the end of the call only). */
  statusCallback?: string;
  /** Inbound messages from simulated phones to this number are POSTed here. */
  smsUrl?: string;
  /** PN + 32 hex; generated when not given. */
  sid?: string;
  friendlyName?: string;
  voiceMethod?: 'POST' | 'GET';
  smsMethod?: 'POST' | 'GET';
  /** AD + 32 hex: the address emergency calls from this number are reported with. */
  emergencyAddressSid?: string;
  emergencyAddressStatus?: EmergencyAddressStatus;
}

export type EmergencyAddressStatus =
  | 'registered' | 'unregistered' | 'pending-registration' | 'registration-failure' | 'pending-unregistration' | 'unregistration-failure';

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
  /**
   * Countries (ISO 3166-1 alpha-2) whose low-risk numbers the account may call (voice geographic
   * permissions). Default: US and CA, as a new Twilio account starts.
   */
  dialingPermissions?: string[];
  /** Deliberately wrong configurations applied at start (see account-presets.ts). */
  misconfigure?: Misconfiguration[];
  logger?: FastifyBaseLogger;
}
