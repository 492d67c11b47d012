/**
 * An emulator on a real port with the `twilio` library pointed at it, and an application server that
 * records every webhook it gets (with its X-Twilio-Signature checked) and answers as a test tells it:
 * what the messaging tests share.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { PhoneDetail, SendText, SendTextResult } from '../contracts/emulator';
import { emulatorPlugin } from '../emulator/plugin';
import { emulatorRequestClient } from '../local-setup/twilio-client';
import type { EmulatorOptions } from '../emulator/types';
import { startWebhookReceiver, type Answer, type Hit } from './webhook-receiver';

export const ACCOUNT = 'AC' + '5'.repeat(32);
export const AUTH = '6'.repeat(32);
export const KEY = { sid: 'SK' + '7'.repeat(32), secret: 'key-secret' };
export const APP = 'AP' + '8'.repeat(32);
export const TEAM = '+12025550100';
/** A second number of the account, in the Messaging Service SERVICE. */
export const POOL_NUMBER = '+12025550110';
export const SERVICE = 'MG' + '9'.repeat(32);

export type { Answer, Hit } from './webhook-receiver';

export interface MessagingHarness {
  emulator: FastifyInstance;
  origin: string;
  appOrigin: string;
  hits: Hit[];
  /** How the application answers a request; the default answers an empty <Response/>. */
  respond: (path: string, params: Record<string, string>) => Answer;
  client: (user?: string, pass?: string) => twilio.Twilio;
  control: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
  phone: (number: string) => Promise<PhoneDetail>;
  text: (from: string, body: SendText) => Promise<SendTextResult>;
  close: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startMessagingHarness(options: Partial<EmulatorOptions> = {}): Promise<MessagingHarness> {
  const app = await startWebhookReceiver(AUTH);
  const harness = { hits: app.hits, appOrigin: app.origin } as MessagingHarness;
  harness.respond = () => ({ body: '<Response/>', type: 'text/xml' });
  app.respond = (path, params) => harness.respond(path, params);

  const port = await freePort();
  harness.origin = `http://127.0.0.1:${port}`;
  const emulator = Fastify();
  await emulator.register(emulatorPlugin, {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [{ sid: APP, voiceUrl: `${harness.appOrigin}/voice` }],
    numbers: [
      { phoneNumber: TEAM, voiceApplicationSid: APP, smsUrl: `${harness.appOrigin}/sms` },
      { phoneNumber: POOL_NUMBER, voiceApplicationSid: APP, smsUrl: `${harness.appOrigin}/pool-sms` },
    ],
    messaging: { delaysMs: { sending: 5, sent: 10, delivered: 15 }, services: [{ sid: SERVICE, friendlyName: 'Team pool', numbers: [POOL_NUMBER] }] },
    publicOrigin: harness.origin,
    webhookTimeoutSeconds: 3,
    ...options,
  });
  await emulator.listen({ port, host: '127.0.0.1' });
  harness.emulator = emulator;

  harness.client = (user = ACCOUNT, pass = AUTH) => twilio(user, pass, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(harness.origin) });
  harness.control = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${harness.origin}/emulator/api${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
  };
  harness.phone = async (number) => (await harness.control<PhoneDetail>('GET', `/phones/${encodeURIComponent(number)}`)).body;
  harness.text = async (from, body) => {
    const res = await harness.control<SendTextResult>('POST', `/phones/${encodeURIComponent(from)}/sms`, body);
    if (res.status !== 201) throw new Error(`texting from ${from}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  harness.close = async () => {
    await emulator.close();
    await app.close();
  };
  return harness;
}

/**
 * One harness for a whole test file: started before its tests and closed after them; before each test its
 * hits are cleared and `respond` answers again. The object stands for the harness once the tests run.
 */
export function messagingHarnessForFile(respond: MessagingHarness['respond']): MessagingHarness {
  let harness: MessagingHarness | undefined;
  const started = () => {
    if (!harness) throw new Error('the messaging harness is started before the first test');
    return harness;
  };
  beforeAll(async () => {
    harness = await startMessagingHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => {
    started().hits.length = 0;
    started().respond = respond;
  });
  return new Proxy({} as MessagingHarness, {
    get: (_, key) => Reflect.get(started(), key),
    set: (_, key, value) => Reflect.set(started(), key, value),
  });
}

/** Polls until `check` is truthy (a few seconds at most: the emulator's delays here are milliseconds). */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
