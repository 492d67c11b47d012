/**
 * The Twilio account as the emulator knows it: credentials and API keys, TwiML Apps, phone numbers (voice,
 * messaging and emergency configuration), voice geographic permissions and debugger alerts, each held here
 * once, and which access tokens it accepts. The REST resources, the control API and the call engine all
 * read and change the account through this registry.
 */
import { randomBytes } from 'node:crypto';
import type { Misconfiguration } from '../contracts/emulator/account';
import { DEMO_SMS_URL, DEMO_VOICE_URL, OLD_VOICE_URL } from './account-presets';
import { AlertLog } from './alerts';
import { DialingPermissions } from './dialing-permissions';
import { EmulatorError } from './errors';
import { newSid } from './sid';
import { verifyAccessToken, type TokenResult } from './token-verify';
import type { Method } from './twiml/verbs';
import type { EmulatorAccount, EmulatorApiKey, EmulatorApplication, EmulatorNumber, Logger } from './types';

/** Where a call's first TwiML comes from, and where its end is reported. */
export interface VoiceTarget {
  url: string;
  method: Method;
  applicationSid: string | null;
  statusCallback: string | null;
}

export type OwnedNumber = EmulatorNumber & { sid: string };
export type ApplicationUpdate = Partial<Pick<EmulatorApplication, 'friendlyName' | 'voiceUrl' | 'voiceMethod' | 'statusCallback' | 'statusCallbackMethod' | 'smsUrl'>>;
/** `null` clears a field, as an empty value does in Twilio's REST API. */
export type NumberUpdate = {
  [K in 'friendlyName' | 'voiceApplicationSid' | 'voiceUrl' | 'smsUrl' | 'emergencyAddressSid']?: string | null;
} & Partial<Pick<EmulatorNumber, 'voiceMethod' | 'smsMethod' | 'emergencyAddressStatus'>>;

/** An absolute http(s) URL, or '' (no URL). */
function checkUrl(name: string, value: string): string {
  if (value === '') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EmulatorError(400, `${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EmulatorError(400, `${name} must be an absolute http(s) URL`);
  return value;
}

/** 32 letters and digits, like the secrets Twilio shows once when a key is created. */
function keySecret(): string {
  let out = '';
  while (out.length < 32) out += randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  return out.slice(0, 32);
}

export class AccountRegistry {
  /** The account's credentials; `apiKeys` is the live list (REST creates and deletes keys). */
  readonly credentials: EmulatorAccount;
  readonly alerts: AlertLog;
  readonly dialingPermissions: DialingPermissions;
  readonly createdAt = new Date();
  /** Added to the Date header of REST answers: a Twilio whose clock disagrees with this machine's. */
  clockOffsetSeconds = 0;
  private readonly applications = new Map<string, EmulatorApplication>();
  private readonly numbers: OwnedNumber[];
  private readonly dates = new Map<string, { created: Date; updated: Date }>();
  /** Access tokens refused by fault injection (revoked), as sent by the SDK. */
  private readonly revokedTokens = new Set<string>();

  constructor(
    credentials: EmulatorAccount,
    applications: EmulatorApplication[],
    numbers: EmulatorNumber[],
    private readonly log: Logger,
    options: { dialingPermissions?: readonly string[] } = {},
  ) {
    this.credentials = { ...credentials, apiKeys: credentials.apiKeys.map((k) => ({ ...k })) };
    for (const key of this.credentials.apiKeys) this.stamp(key.sid);
    for (const app of applications) {
      this.applications.set(app.sid, { ...app });
      this.stamp(app.sid);
    }
    this.numbers = numbers.map((n) => ({ ...n, sid: n.sid ?? newSid('PN') }));
    for (const n of this.numbers) this.stamp(n.sid);
    this.alerts = new AlertLog(credentials.accountSid);
    this.dialingPermissions = new DialingPermissions(options.dialingPermissions);
  }

  get sid(): string {
    return this.credentials.accountSid;
  }

  get friendlyName(): string {
    return this.credentials.friendlyName ?? `My first Twilio account`;
  }

  /** When a resource (key, app, number) was created and last changed. */
  dated(sid: string): { created: Date; updated: Date } {
    return this.dates.get(sid) ?? { created: this.createdAt, updated: this.createdAt };
  }

  private stamp(sid: string): void {
    const now = new Date();
    const known = this.dates.get(sid);
    this.dates.set(sid, { created: known?.created ?? now, updated: now });
  }

  /** The Date a REST answer carries. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetSeconds * 1000);
  }

  // ---- API keys -----------------------------------------------------------------------------------

  apiKeyList(): EmulatorApiKey[] {
    return [...this.credentials.apiKeys];
  }

  apiKey(sid: string): EmulatorApiKey | undefined {
    return this.credentials.apiKeys.find((k) => k.sid === sid);
  }

  /** A Standard key; its secret is only ever returned here. */
  createApiKey(friendlyName: string | undefined): EmulatorApiKey {
    const key: EmulatorApiKey = { sid: newSid('SK'), secret: keySecret(), ...(friendlyName ? { friendlyName } : {}) };
    this.credentials.apiKeys.push(key);
    this.stamp(key.sid);
    this.log.info({ apiKey: key.sid }, 'API key created');
    return key;
  }

  updateApiKey(sid: string, friendlyName: string | undefined): EmulatorApiKey | undefined {
    const key = this.apiKey(sid);
    if (!key) return undefined;
    if (friendlyName !== undefined) key.friendlyName = friendlyName;
    this.stamp(sid);
    return key;
  }

  /** Deletes the key: REST calls and access tokens signed with it are refused from now on. */
  removeApiKey(sid: string): boolean {
    const index = this.credentials.apiKeys.findIndex((k) => k.sid === sid);
    if (index < 0) return false;
    this.credentials.apiKeys.splice(index, 1);
    this.log.info({ apiKey: sid }, 'API key deleted');
    return true;
  }

  // ---- TwiML Apps ---------------------------------------------------------------------------------

  application(sid: string): EmulatorApplication | undefined {
    return this.applications.get(sid);
  }

  applicationList(): EmulatorApplication[] {
    return [...this.applications.values()];
  }

  applicationVoice(app: EmulatorApplication): VoiceTarget {
    return { url: app.voiceUrl, method: app.voiceMethod ?? 'POST', applicationSid: app.sid, statusCallback: app.statusCallback ?? null };
  }

  createApplication(fields: ApplicationUpdate): EmulatorApplication {
    const app: EmulatorApplication = { sid: newSid('AP'), voiceUrl: '' };
    this.applications.set(app.sid, app);
    this.stamp(app.sid);
    return this.updateApplication(app.sid, { friendlyName: fields.friendlyName ?? '', ...fields });
  }

  /** Changes a TwiML App, through REST or as a person would in the console; returns the app. */
  updateApplication(sid: string, update: ApplicationUpdate): EmulatorApplication {
    const app = this.applications.get(sid);
    if (!app) throw new EmulatorError(404, `No TwiML App ${sid}`);
    if (update.voiceUrl !== undefined) app.voiceUrl = checkUrl('voiceUrl', update.voiceUrl);
    if (update.statusCallback !== undefined) app.statusCallback = checkUrl('statusCallback', update.statusCallback) || undefined;
    if (update.smsUrl !== undefined) app.smsUrl = checkUrl('smsUrl', update.smsUrl) || undefined;
    if (update.voiceMethod !== undefined) app.voiceMethod = update.voiceMethod;
    if (update.statusCallbackMethod !== undefined) app.statusCallbackMethod = update.statusCallbackMethod;
    if (update.friendlyName !== undefined) app.friendlyName = update.friendlyName;
    this.stamp(sid);
    this.log.info({ application: sid, voiceUrl: app.voiceUrl }, 'TwiML App updated');
    return app;
  }

  /** Numbers that used the app keep their configuration, as in Twilio: calls to them then fail. */
  removeApplication(sid: string): boolean {
    return this.applications.delete(sid);
  }

  // ---- phone numbers ------------------------------------------------------------------------------

  numberList(): OwnedNumber[] {
    return [...this.numbers];
  }

  ownedNumber(number: string): OwnedNumber | undefined {
    return this.numbers.find((n) => n.phoneNumber === number);
  }

  numberBySid(sid: string): OwnedNumber | undefined {
    return this.numbers.find((n) => n.sid === sid);
  }

  /** A call to this number runs its application's voice URL, or its own. */
  numberVoice(n: EmulatorNumber): VoiceTarget | null {
    if (n.voiceApplicationSid) {
      const app = this.applications.get(n.voiceApplicationSid);
      if (app) return this.applicationVoice(app);
    }
    if (n.voiceUrl) return { url: n.voiceUrl, method: n.voiceMethod ?? 'POST', applicationSid: null, statusCallback: n.statusCallback ?? null };
    return null;
  }

  updateNumber(sid: string, update: NumberUpdate): OwnedNumber {
    const n = this.numberBySid(sid);
    if (!n) throw new EmulatorError(404, `No incoming phone number ${sid}`);
    const fields = n as EmulatorNumber;
    const set = <K extends Exclude<keyof EmulatorNumber, 'phoneNumber' | 'sid'>>(key: K, value: EmulatorNumber[K] | null | undefined) => {
      if (value === undefined) return;
      if (value === null || value === '') delete fields[key];
      else fields[key] = value;
    };
    if (update.voiceApplicationSid) {
      if (!this.applications.has(update.voiceApplicationSid)) throw new EmulatorError(400, `VoiceApplicationSid ${update.voiceApplicationSid} is not a TwiML App of this account`);
    }
    set('voiceApplicationSid', update.voiceApplicationSid);
    set('voiceUrl', update.voiceUrl == null ? update.voiceUrl : checkUrl('voiceUrl', update.voiceUrl));
    set('smsUrl', update.smsUrl == null ? update.smsUrl : checkUrl('smsUrl', update.smsUrl));
    set('friendlyName', update.friendlyName);
    set('voiceMethod', update.voiceMethod);
    set('smsMethod', update.smsMethod);
    if (update.emergencyAddressSid !== undefined) {
      set('emergencyAddressSid', update.emergencyAddressSid);
      // Twilio registers the address with the emergency services; here that succeeds at once.
      n.emergencyAddressStatus = update.emergencyAddressSid ? 'registered' : 'unregistered';
    }
    if (update.emergencyAddressStatus !== undefined) n.emergencyAddressStatus = update.emergencyAddressStatus;
    this.stamp(sid);
    this.log.info({ number: n.phoneNumber, voiceApplicationSid: n.voiceApplicationSid, voiceUrl: n.voiceUrl, smsUrl: n.smsUrl }, 'phone number updated');
    return n;
  }

  // ---- deliberately wrong configurations ----------------------------------------------------------

  misconfigure(fault: Misconfiguration): void {
    switch (fault) {
      case 'number-elsewhere':
        for (const n of this.numbers) this.updateNumber(n.sid, { voiceApplicationSid: null, voiceUrl: DEMO_VOICE_URL, smsUrl: DEMO_SMS_URL });
        break;
      case 'wrong-voice-url':
        for (const app of this.applications.values()) this.updateApplication(app.sid, { voiceUrl: OLD_VOICE_URL });
        break;
      case 'no-status-callback':
        for (const app of this.applications.values()) this.updateApplication(app.sid, { statusCallback: '' });
        break;
      case 'deleted-key':
        for (const key of this.apiKeyList()) this.removeApiKey(key.sid);
        break;
      case 'no-emergency-address':
        for (const n of this.numbers) this.updateNumber(n.sid, { emergencyAddressSid: null });
        break;
      case 'country-disabled':
        this.dialingPermissions.disableAll();
        break;
    }
    this.log.warn({ fault }, 'account misconfigured on purpose');
  }

  // ---- access tokens ------------------------------------------------------------------------------

  verifyToken(jwt: string): TokenResult {
    if (this.revokedTokens.has(jwt)) return { ok: false, error: { code: 31204, message: 'JWT has been revoked' } };
    return verifyAccessToken(jwt, {
      accountSid: this.sid,
      apiKeys: this.credentials.apiKeys,
      applicationSids: [...this.applications.keys()],
    }, Math.floor(Date.now() / 1000));
  }

  /** This token is refused from now on, as a revoked API key's tokens would be. */
  revokeToken(jwt: string): void {
    this.revokedTokens.add(jwt);
  }
}
