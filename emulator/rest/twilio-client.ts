/**
 * Points the `twilio` helper library at the emulator: a RequestClient that sends what the library
 * addresses to https://api.twilio.com (or any *.twilio.com host) to the emulator's origin instead,
 * trusting the emulator's certificate. The client itself lives in local-setup, shared with the server's
 * test-only endpoint override.
 *
 *   const client = twilio(accountSid, authToken, { httpClient: emulatorRequestClient(origin, certPem) });
 */
import { EndpointRequestClient, rewriteTwilioUrl } from '../../local-setup/twilio-endpoint';

export { rewriteTwilioUrl, EndpointRequestClient as EmulatorRequestClient };

export function emulatorRequestClient(origin: string, ca?: string): EndpointRequestClient {
  return new EndpointRequestClient(origin, ca);
}
