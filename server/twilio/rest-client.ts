/**
 * The `twilio` helper's REST client for this account, the one way setup, doctor and the server's start-up
 * checks reach Twilio. With the test-only endpoint override (TWILIO_TEST_ENDPOINT, a loopback origin
 * checked by the config) every request, credentials included, goes to that local stand-in instead; its
 * certificate is trusted through Node's NODE_EXTRA_CA_CERTS, or `ca` when a test runs it in-process.
 */
import twilio from 'twilio';
import { EndpointRequestClient } from '../../local-setup/twilio-endpoint';

export type TwilioClient = ReturnType<typeof twilio>;

export interface RestLogin {
  /** The Account SID (with the auth token) or an API key SID (with its secret). */
  username: string;
  password: string;
  accountSid: string;
}

export const REST_TIMEOUT_MS = 10_000;

export interface Endpoint {
  /** TWILIO_TEST_ENDPOINT: requests go there instead of Twilio. */
  origin?: string;
  /** PEM to trust for it. */
  ca?: string;
  timeoutMs?: number;
}

export function twilioRestClient(login: RestLogin, endpoint: Endpoint = {}): TwilioClient {
  const timeoutMs = endpoint.timeoutMs ?? REST_TIMEOUT_MS;
  return twilio(login.username, login.password, {
    accountSid: login.accountSid,
    ...(endpoint.origin === undefined ? { timeout: timeoutMs } : { httpClient: new EndpointRequestClient(endpoint.origin, endpoint.ca, timeoutMs) }),
  });
}

/** The line every command prints when the override is in force: credentials leave for somewhere else. */
export function testEndpointWarning(endpoint: string): string {
  return `TWILIO_TEST_ENDPOINT is set: Twilio's REST API and signaling are replaced by ${endpoint}, and the account's credentials are sent there. For tests only; never in production.`;
}

/** What went wrong with a REST request, in words, without anything secret. */
export interface RestFailure {
  status?: number;
  code?: number;
  message: string;
}

export function restFailure(err: unknown): RestFailure {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  // Network errors carry a string code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…).
  const netCode = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  return {
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    message: netCode && !message.includes(netCode) ? `${netCode}: ${message}` : message,
  };
}

export function describeFailure(f: RestFailure): string {
  if (f.status !== undefined) return `Twilio answered ${f.status}${f.code !== undefined ? ` (error ${f.code})` : ''}: ${f.message}`;
  return `Twilio could not be reached: ${f.message}`;
}
