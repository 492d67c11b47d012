/**
 * Sends what the `twilio` helper library addresses to Twilio's hosts (https://api.twilio.com,
 * https://monitor.twilio.com, … any *.twilio.com) to another origin instead: the local stand-in. Used by
 * tests and `npm run emulator` users, and by the server's test-only endpoint override (TWILIO_TEST_ENDPOINT),
 * which refuses anything but a loopback origin because the account's credentials travel with every request.
 *
 *   const client = twilio(accountSid, authToken, { httpClient: new EndpointRequestClient(origin, certPem) });
 */
import twilio from 'twilio';

export function rewriteTwilioUrl(uri: string, origin: string): string {
  return uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com(?=\/|$)/i, origin.replace(/\/$/, ''));
}

export class EndpointRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string, ca?: string, timeoutMs?: number) {
    super({ ...(ca ? { ca } : {}), ...(timeoutMs ? { timeout: timeoutMs } : {}), keepAlive: false });
  }

  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.origin) } as typeof opts);
  }
}
