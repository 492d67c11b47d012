/**
 * The Twilio account as the emulator knows it: credentials, TwiML Apps and phone numbers, each held
 * here once, and which access tokens it accepts. API keys, incoming phone numbers and applications
 * created through the REST API later belong here too.
 */
import { EmulatorError } from './errors';
import { verifyAccessToken, type TokenResult } from './token-verify';
import type { Method } from './twiml/verbs';
import type { EmulatorAccount, EmulatorApplication, EmulatorNumber, Logger } from './types';

/** Where a call's first TwiML comes from, and where its end is reported. */
export interface VoiceTarget {
  url: string;
  method: Method;
  applicationSid: string | null;
  statusCallback: string | null;
}

export class AccountRegistry {
  private readonly applications = new Map<string, EmulatorApplication>();
  private readonly numbers: EmulatorNumber[];
  /** Access tokens refused by fault injection (revoked), as sent by the SDK. */
  private readonly revokedTokens = new Set<string>();

  constructor(
    readonly credentials: EmulatorAccount,
    applications: EmulatorApplication[],
    numbers: EmulatorNumber[],
    private readonly log: Logger,
  ) {
    for (const app of applications) this.applications.set(app.sid, { ...app });
    this.numbers = numbers.map((n) => ({ ...n }));
  }

  get sid(): string {
    return this.credentials.accountSid;
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

  /** Changes a TwiML App's voice URL, as a person would in the console; returns the app. */
  updateApplication(sid: string, update: { voiceUrl?: string; voiceMethod?: Method }): EmulatorApplication {
    const app = this.applications.get(sid);
    if (!app) throw new EmulatorError(404, `No TwiML App ${sid}`);
    if (update.voiceUrl !== undefined) {
      let url: URL;
      try {
        url = new URL(update.voiceUrl);
      } catch {
        throw new EmulatorError(400, 'voiceUrl must be an absolute http(s) URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EmulatorError(400, 'voiceUrl must be an absolute http(s) URL');
      app.voiceUrl = update.voiceUrl;
    }
    if (update.voiceMethod !== undefined) app.voiceMethod = update.voiceMethod;
    this.log.info({ application: sid, voiceUrl: app.voiceUrl }, 'TwiML App updated');
    return app;
  }

  // ---- phone numbers ------------------------------------------------------------------------------

  numberList(): EmulatorNumber[] {
    return [...this.numbers];
  }

  ownedNumber(number: string): EmulatorNumber | undefined {
    return this.numbers.find((n) => n.phoneNumber === number);
  }

  /** A call to this number runs its application's voice URL, or its own. */
  numberVoice(n: EmulatorNumber): VoiceTarget | null {
    if (n.voiceApplicationSid) {
      const app = this.applications.get(n.voiceApplicationSid);
      if (app) return this.applicationVoice(app);
    }
    if (n.voiceUrl) return { url: n.voiceUrl, method: 'POST', applicationSid: null, statusCallback: n.statusCallback ?? null };
    return null;
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
