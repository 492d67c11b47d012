/**
 * What `npm run call` and `npm run sms` need from the world, behind one port so their decisions are
 * table-tested with a fake: the team number and dialing rules from the server's own configuration, whether
 * the server is up, and Twilio's REST API through the `twilio` helper — the local stand-in inside the
 * running server in local mode (with the credentials it keeps in LOCAL_DATA_DIR), Twilio in twilio mode.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { loadLocalSetup } from '../../local-setup/setup';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import { fetchHealth } from '../cli/doctor';
import { parseConfig, type Env } from '../config';
import type { AppConfig } from '../config';
import { localOrigin, resolveLocalConfig } from '../local-mode';
import { isMessageStatus } from '../messages/rules';
import { twilioSender, type MessageSender } from '../messages/sender';
import type { MessageStatus } from '../../contracts/api/messages';
import type { DialPolicy } from '../voice/destination';

export interface CallState {
  status: string;
  durationSeconds: number | null;
}

export interface MessageState {
  status: MessageStatus;
  errorCode: number | null;
}

export interface ScriptPort {
  /** Where requests go, for the first line printed: "the local stand-in at …" or "Twilio". */
  where: string;
  publicBaseUrl: string;
  teamNumber: string;
  policy: DialPolicy;
  /** The softphone server answers its health check at publicBaseUrl. */
  serverUp(): Promise<boolean>;
  createCall(request: { to: string; from: string; url: string }): Promise<CallState & { sid: string }>;
  fetchCall(sid: string): Promise<CallState>;
  sender: MessageSender;
  fetchMessage(sid: string): Promise<MessageState>;
}

/** Thrown when the port cannot be built: one line a person can act on. */
export class ScriptSetupError extends Error {}

export async function scriptPort(env: Env): Promise<ScriptPort> {
  const parsed = parseConfig(env);
  let config: AppConfig;
  let restOrigin: string | undefined;
  let ca: string | undefined;
  if (parsed.mode === 'local') {
    const publicBaseUrl = parsed.publicBaseUrl ?? localOrigin(parsed.port);
    // Without them no local server has ever run here: say so rather than make new ones nobody uses.
    if (!existsSync(join(parsed.localDataDir, 'credentials.json'))) {
      throw new ScriptSetupError(`The softphone server is not running at ${publicBaseUrl} (no local credentials in ${parsed.localDataDir}): start it with \`npm start\`.`);
    }
    const local = await loadLocalSetup(parsed.localDataDir);
    config = resolveLocalConfig(parsed, local.credentials);
    restOrigin = config.emulatorOrigin ?? config.publicBaseUrl;
    ca = local.tls.cert;
  } else {
    config = parsed;
    restOrigin = config.twilioTestEndpoint;
  }
  const { account } = config;
  const httpClient = restOrigin === undefined ? undefined : emulatorRequestClient(restOrigin, ca);
  const client = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, ...(httpClient ? { httpClient } : {}) });
  const callState = (c: { status: string; duration: string | null }): CallState => ({ status: c.status, durationSeconds: c.duration === null ? null : Number(c.duration) });
  return {
    where: config.mode === 'local' ? `the local stand-in at ${restOrigin}` : restOrigin === undefined ? 'Twilio' : `TWILIO_TEST_ENDPOINT ${restOrigin}`,
    publicBaseUrl: config.publicBaseUrl,
    teamNumber: account.teamNumber,
    policy: { defaultCountry: config.defaultCountry, allowedCountries: config.dialAllowedCountries },
    async serverUp() {
      const health = await fetchHealth(config.publicBaseUrl, ca);
      return health.ok && health.softphone;
    },
    async createCall(request) {
      const call = await client.calls.create({ to: request.to, from: request.from, url: request.url });
      return { sid: call.sid, ...callState(call) };
    },
    async fetchCall(sid) {
      return callState(await client.calls(sid).fetch());
    },
    sender: twilioSender(account, httpClient),
    async fetchMessage(sid) {
      const m = await client.messages(sid).fetch();
      return { status: isMessageStatus(m.status) ? m.status : 'queued', errorCode: m.errorCode ?? null };
    },
  };
}
