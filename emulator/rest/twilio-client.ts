/**
 * Points the `twilio` helper library at the emulator: a RequestClient that sends what the library
 * addresses to https://api.twilio.com (or any *.twilio.com host) to the emulator's origin instead,
 * trusting the emulator's certificate.
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
