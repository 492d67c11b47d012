/**
 * Builds the emulator from its parts, each handed only what it uses. The parts, in the order a call
 * meets them: the account (TwiML Apps, numbers, tokens), signaling (SDK sessions), the call store,
 * legs (status, answer, hangup, bridging), conferences, the TwiML runner and its verbs, the phone
 * network, the REST call surface (and the Participants API's dialer), messages and faults. The Fastify plugin (./plugin.ts) mounts it on HTTP.
 */
import { AccountRegistry } from './account';
import { alertingWebhooks } from './alerts';
import { ApiCalls } from './calls/api-calls';
import { RingingForks } from './calls/forks';
import { Legs, type MediaFactory } from './calls/legs';
import { TwimlRunner } from './calls/runner';
import { CallStore } from './calls/store';
import { webhookClient, type WebhookClient } from './calls/webhook';
import { ConferenceDialer } from './conferences/dial-out';
import { ConferenceRegistry } from './conferences/registry';
import { loadAudioUrl } from './media/fetch-audio';
import { Faults } from './faults';
import { Messaging } from './messages/messaging';
import { PhoneNetwork } from './phones/network';
import { PhoneOperator } from './phones/operator';
import { RecordingStore } from './recordings/store';
import { SignalingHost } from './signaling/host';
import { SessionRegistry } from './signaling/sessions';
import { silentLogger, type EmulatorOptions, type Logger } from './types';

export interface Emulator {
  readonly account: AccountRegistry;
  readonly sessions: SessionRegistry;
  readonly calls: CallStore;
  readonly forks: RingingForks;
  readonly phones: PhoneNetwork;
  readonly legs: Legs;
  readonly runner: TwimlRunner;
  readonly signaling: SignalingHost;
  readonly operator: PhoneOperator;
  readonly apiCalls: ApiCalls;
  readonly conferences: ConferenceRegistry;
  readonly conferenceDialer: ConferenceDialer;
  readonly messages: Messaging;
  readonly recordings: RecordingStore;
  readonly faults: Faults;
  readonly webhooks: WebhookClient;
  readonly media: MediaFactory;
  readonly log: Logger;
  /** Ends every call, closes every socket and console leg. */
  shutdown(): void;
}

export function createEmulator(options: EmulatorOptions, media: MediaFactory, logger?: Logger): Emulator {
  const log = logger ?? options.logger ?? silentLogger;
  const { publicOrigin } = options;
  const account = new AccountRegistry(options.account, options.applications, options.numbers, log, {
    ...(options.dialingPermissions ? { dialingPermissions: options.dialingPermissions } : {}),
  });
  for (const fault of options.misconfigure ?? []) account.misconfigure(fault);
  // Every failed webhook becomes one of the account's debugger alerts, as in Twilio.
  const webhooks = alertingWebhooks(webhookClient({
    authToken: options.account.authToken,
    publicOrigin,
    ...(options.webhookCa ? { ca: options.webhookCa } : {}),
    ...(options.webhookTimeoutSeconds !== undefined ? { timeoutSeconds: options.webhookTimeoutSeconds } : {}),
  }), account.alerts);
  const sessions = new SessionRegistry();
  const calls = new CallStore();
  const phones = new PhoneNetwork(options.phones);
  const forks = new RingingForks();
  const legs = new Legs({ media, phones, webhooks });
  const accountSid = account.sid;
  const conferences = new ConferenceRegistry({
    accountSid, webhooks, phones, log,
    loadAudio: (url) => loadAudioUrl(url, options.webhookCa ? { ca: options.webhookCa } : {}),
  });
  const recordings = new RecordingStore(publicOrigin);
  const runner = new TwimlRunner({ accountSid, calls, legs, sessions, phones, forks, webhooks, recordings, log, alerts: account.alerts, conferences });
  const signaling = new SignalingHost({ account, sessions, calls, forks, legs, runner });
  const operator = new PhoneOperator({ account, phones, calls, legs, runner, media, publicOrigin });
  const apiCalls = new ApiCalls({ accountSid, calls, legs, sessions, phones, forks, runner, publicOrigin });
  const conferenceDialer = new ConferenceDialer({ apiCalls, legs });
  const messages = new Messaging({
    account, phones, webhooks, publicOrigin, log,
    ...(options.messaging ? { options: options.messaging } : {}),
    ...(options.webhookCa ? { fetchCa: options.webhookCa } : {}),
  });
  const faults = new Faults({ account, sessions, calls });

  return {
    account, sessions, calls, forks, phones, legs, runner, signaling, operator, apiCalls, conferences, conferenceDialer, messages, recordings, faults, webhooks, media, log,
    shutdown() {
      conferences.shutdown();
      for (const call of calls.values()) void legs.hangupCall(call, undefined, 'emulator stopped');
      for (const s of sessions.values()) s.drop();
      for (const phone of phones.values()) {
        if (phone.consoleLeg) void phone.consoleLeg.close().catch(() => undefined);
        phone.consoleLeg = null;
      }
    },
  };
}
