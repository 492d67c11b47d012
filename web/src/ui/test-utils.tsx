import { act, render } from '@testing-library/react';
import { PhoneController } from '../core/controller';
import { FakeApi, fakeEnv } from '../core/testing/fake-env';
import { FakeCall, FakeDevice } from '../core/testing/fake-device';
import { FakeEventServer } from '../core/testing/fake-events';
import { App } from './App';
import { PhoneProvider } from './phone-context';

export const flush = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

/** The whole app over a controller with a fake Device; `signIn` skips the form. */
export async function renderApp({ signIn = true, api = new FakeApi(), events = new FakeEventServer() } = {}) {
  const env = fakeEnv();
  const devices: FakeDevice[] = [];
  const controller = new PhoneController({
    api,
    env,
    events: events.transport,
    createDevice: async (token, options) => {
      const d = new FakeDevice(token, options);
      devices.push(d);
      return d;
    },
  });
  if (signIn) api.sessionUser = { identity: 'alice', colleagues: ['bob', 'carol'] };
  const view = render(
    <PhoneProvider controller={controller}>
      <App />
    </PhoneProvider>,
  );
  await act(() => controller.start());
  await flush();
  const device = () => devices[devices.length - 1]!;
  return { ...view, api, env, events, controller, devices, device };
}

export function ringIn(device: FakeDevice, from = '+12025550123') {
  const call = new FakeCall({ CallSid: 'CA1', From: from, To: 'client:alice' });
  act(() => {
    device.emit('incoming', call);
  });
  return call;
}

export { FakeCall };
