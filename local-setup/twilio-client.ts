/**
 * Points the `twilio` helper library at the local Twilio stand-in: a RequestClient that sends what the
 * library addresses to https://api.twilio.com (or any *.twilio.com host) to the stand-in's origin instead,
 * trusting its certificate. The app server reads the call log through it in local mode (healing the
 * history), exactly as it reads Twilio's in twilio mode; tests drive the stand-in's REST API with it.
 *
 *   const client = twilio(accountSid, authToken, { httpClient: emulatorRequestClient(origin, certPem) });
 */
import { EndpointRequestClient, rewriteTwilioUrl } from './twilio-endpoint';

export { rewriteTwilioUrl, EndpointRequestClient as EmulatorRequestClient };

export function emulatorRequestClient(origin: string, ca?: string): EndpointRequestClient {
  return new EndpointRequestClient(origin, ca);
}
