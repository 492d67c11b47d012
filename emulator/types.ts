/**
 * The contract between the emulator and whoever hosts it (the app server in local mode, or
 * `npm run emulator` standalone). Everything the emulator knows about "the Twilio account" comes
 * from here, exactly as Twilio would know it from its console.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PhoneBehaviour } from '../contracts/emulator/phones';
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
}

export interface EmulatorOptions {
  account: EmulatorAccount;
  applications: EmulatorApplication[];
  numbers: EmulatorNumber[];
  phones?: SimulatedPhoneSpec[];
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
