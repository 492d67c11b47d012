/**
 * The one client of the emulator's control API (/emulator/api) for browser tests and benches, over a
 * Playwright request context (it trusts the local certificate the same way the pages do). `origin` is
 * empty for the context's own base URL, or the origin of a stand-alone emulator.
 *
 * Answers are typed by the control API's own contracts (contracts/emulator), imported as types only.
 */
import { expect, type APIRequestContext } from '@playwright/test';
import type {
  CallDetail, CallSidResult, CallView, ClientView, MessageDetail, MetricsView, PhoneDetail, PhoneMessage, PhoneState, PhoneView, SendText, SendTextResult, SmsDelivery,
} from '../contracts/emulator';
import { DEFAULT_PHONE_NUMBERS } from '../emulator/phones/defaults';
import type { LeaveMessage, RecordingView } from '../contracts/emulator/recordings';
import { LOCAL_TEAM_NUMBER } from '../local-setup/demo';

export const TEAM_NUMBER = LOCAL_TEAM_NUMBER;
/** The simulated phones the emulator creates by default. */
export const PHONES = DEFAULT_PHONE_NUMBERS;
export type EmulatorMetrics = MetricsView;

/** One request to the control API; a failure fails the test with the method, path, status and body. */
export async function emulatorApi<T = unknown>(
  request: APIRequestContext,
  origin: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await request.fetch(`${origin}/emulator/api${path}`, { method, ...(body !== undefined ? { data: body } : {}) });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (response.status() === 204 ? null : await response.json()) as T;
}

/** The control API's path of a phone: the number's + must be encoded. */
export const phonePath = (number: string) => `/phones/${encodeURIComponent(number)}`;

export function phone(request: APIRequestContext, number: string, origin = ''): Promise<PhoneDetail> {
  return emulatorApi<PhoneDetail>(request, origin, 'GET', phonePath(number));
}

export async function expectPhoneState(request: APIRequestContext, number: string, state: PhoneState, origin = ''): Promise<void> {
  await expect.poll(async () => (await phone(request, number, origin)).state, { timeout: 15_000 }).toBe(state);
}

export async function phoneAction(request: APIRequestContext, number: string, action: 'answer' | 'reject' | 'hangup', origin = ''): Promise<void> {
  await emulatorApi(request, origin, 'POST', `${phonePath(number)}/${action}`, {});
}

/** The phone calls `to` once it is idle (a phone still finishing an earlier test's call cannot place a new one). */
export async function phoneCalls(request: APIRequestContext, from: string, to: string, origin = ''): Promise<string> {
  await expectPhoneState(request, from, 'idle', origin);
  return (await emulatorApi<CallSidResult>(request, origin, 'POST', `${phonePath(from)}/call`, { to })).callSid;
}

export const clients = (request: APIRequestContext, origin = '') => emulatorApi<ClientView[]>(request, origin, 'GET', '/clients');

export const callDetail = (request: APIRequestContext, sid: string, origin = '') => emulatorApi<CallDetail>(request, origin, 'GET', `/calls/${sid}`);

/** With `collect`, after a full garbage collection (when the emulator's process runs with --expose-gc). */
export const emulatorMetrics = (request: APIRequestContext, origin = '', collect = false) =>
  emulatorApi<MetricsView>(request, origin, 'GET', `/metrics${collect ? '?gc=true' : ''}`);

/** The SDK leg of this identity's current call, as the emulator sees it. */
export async function liveCallOf(request: APIRequestContext, origin: string, identity: string): Promise<CallDetail> {
  let sid = '';
  await expect
    .poll(async () => {
      const calls = await emulatorApi<CallView[]>(request, origin, 'GET', '/calls');
      sid = calls.find((c) => c.status === 'in-progress' && c.endpoint.kind === 'client' && c.endpoint.identity === identity)?.sid ?? '';
      return sid;
    }, { timeout: 15_000 })
    .not.toBe('');
  return callDetail(request, sid, origin);
}

/**
 * The phone calls `message.to` once it is idle and, when a <Record> on that call starts (after the beep),
 * speaks for `message.seconds` (a tone at `toneHz`, default 440, or `sound: 'speech'`), then presses #
 * (`end: 'hash'`, the default) or hangs up. Returns the CallSid.
 */
export async function leaveMessage(request: APIRequestContext, from: string, message: LeaveMessage, origin = ''): Promise<string> {
  await expectPhoneState(request, from, 'idle', origin);
  return (await emulatorApi<{ callSid: string }>(request, origin, 'POST', `${phonePath(from)}/leave-message`, message)).callSid;
}

/** Every recording the emulator keeps, newest first (the REST API has the same ones in Twilio's shape). */
export const recordings = (request: APIRequestContext, origin = '') => emulatorApi<RecordingView[]>(request, origin, 'GET', '/recordings');

/** The recording made on this call once it is over (completed or absent). */
export async function finishedRecordingOf(request: APIRequestContext, callSid: string, origin = ''): Promise<RecordingView> {
  let found: RecordingView | undefined;
  await expect
    .poll(async () => {
      found = (await recordings(request, origin)).find((r) => r.callSid === callSid && r.status !== 'in-progress');
      return found?.status ?? '';
    }, { timeout: 30_000 })
    .not.toBe('');
  return found!;
}
/** The phone texts `to` (the team number's SMS webhook runs; its <Message> replies come back to the phone). */
export function phoneTexts(request: APIRequestContext, from: string, text: SendText, origin = ''): Promise<SendTextResult> {
  return emulatorApi<SendTextResult>(request, origin, 'POST', `${phonePath(from)}/sms`, text);
}

/** The texts on a phone (received and sent), oldest first, each with the message's status at the emulator. */
export async function phoneInbox(request: APIRequestContext, number: string, origin = ''): Promise<PhoneMessage[]> {
  return (await phone(request, number, origin)).messages;
}

/** How texts to this phone end from now on (delivered, unreachable 30003, landline 30006, unconfirmed, unregistered 30034). */
export function setSmsDelivery(request: APIRequestContext, number: string, delivery: SmsDelivery, origin = ''): Promise<PhoneView> {
  return emulatorApi<PhoneView>(request, origin, 'POST', `${phonePath(number)}/sms-delivery`, { delivery });
}

/** One message as the emulator has it, with the status callbacks it sent. */
export const messageDetail = (request: APIRequestContext, sid: string, origin = '') => emulatorApi<MessageDetail>(request, origin, 'GET', `/messages/${sid}`);
