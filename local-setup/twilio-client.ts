/**
 * Points the `twilio` helper library at the local Twilio stand-in: a RequestClient that sends what the
 * library addresses to https://api.twilio.com (or any *.twilio.com host) to the stand-in's origin instead,
 * trusting its certificate. The app server reads the call log through it in local mode (healing the
 * history), exactly as it reads Twilio's in twilio mode; tests drive the stand-in's REST API with it.
 *
 *   const client = twilio(accountSid, authToken, { httpClient: emulatorRequestClient(origin, certPem) });
 */
import twilio from 'twilio';

export function rewriteTwilioUrl(uri: string, origin: string): string {
  return uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com(?=\/|$)/i, origin.replace(/\/$/, ''));
}

export class EmulatorRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string, ca?: string) {
    super({ ...(ca ? { ca } : {}), keepAlive: false });
  }

  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.origin) } as typeof opts);
  }
}

export function emulatorRequestClient(origin: string, ca?: string): EmulatorRequestClient {
  return new EmulatorRequestClient(origin, ca);
}
