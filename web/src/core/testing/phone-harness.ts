import { expect } from 'vitest';
import { PhoneController } from '../controller';
import { FakeApi, fakeEnv, type FakeEnv } from './fake-env';
import { FakeAudioContext, FakeCall, FakeDevices, type FakeDevice } from './fake-device';
import { FakeEventServer } from './fake-events';
import type { LevelTapPort } from '../level-taps';

// The core's tests drive a PhoneController over a fake Device, API and browser through these.

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

export function twilioError(code: number, message = 'error') {
  return Object.assign(new Error(message), { code });
}

export function setup(opts: { env?: FakeEnv; api?: FakeApi; events?: FakeEventServer; onDevice?: (d: FakeDevice) => void; levelTaps?: LevelTapPort } = {}) {
  const api = opts.api ?? new FakeApi();
  const audioContext = new FakeAudioContext();
  const env = opts.env ?? fakeEnv();
  const events = opts.events ?? new FakeEventServer();
  const fakes = new FakeDevices(opts.onDevice);
  const controller = new PhoneController({
    api,
    env,
    events: events.transport,
    createDevice: fakes.create,
    audioContext: () => audioContext,
    levelTaps: opts.levelTaps,
    texts: {
      incomingTitle: (p) => `Call from ${p}`,
      incomingBody: () => 'Answer in the softphone',
      missedTitle: () => 'Missed call',
      missedBody: (p) => `${p} called the team`,
      textTitle: (p) => `Text from ${p}`,
      textBody: (b) => b,
      voicemailTitle: (p) => `Voicemail from ${p}`,
      voicemailBody: (s) => `${s} s`,
    },
  });
  const status = () => controller.getSnapshot().phone.status;
  return { api, env, events, controller, devices: fakes.all, device: fakes.latest, status, audioContext };
}

export async function signedIn(opts: Parameters<typeof setup>[0] = {}) {
  const t = setup(opts);
  await t.controller.start();
  expect(await t.controller.signIn('alice', 'pw')).toBeNull();
  await flush();
  return t;
}

export async function incoming(t: Awaited<ReturnType<typeof signedIn>>, params: Record<string, string> = {}) {
  const call = new FakeCall({ CallSid: 'CA1', From: '+12025550123', To: 'client:alice', ...params });
  t.device().emit('incoming', call);
  return call;
}

export async function outgoing(t: Awaited<ReturnType<typeof signedIn>>, to = '+12025550123') {
  const call = new FakeCall({});
  t.device().nextCall = call;
  await t.controller.dial(to);
  return call;
}

/** Alice in an answered call with +12025550123 (leg CA1), known to the fake server as h1. */
export async function answeredCall(t: Awaited<ReturnType<typeof signedIn>>) {
  t.api.control.addCall('h1', 'CA1', '+12025550123');
  const call = await incoming(t);
  await t.controller.accept();
  call.emit('accept', call);
  await flush();
  return call;
}
