import { describe, expect, it } from 'vitest';
import { FakeApi } from './testing/fake-env';
import { flush, setup, signedIn } from './testing/phone-harness';

describe('PhoneController: sign-in and registration', () => {
  it('stays signed out when there is no session', async () => {
    const t = setup();
    await t.controller.start();
    expect(t.controller.getSnapshot()).toMatchObject({ booting: false, user: null, phone: { status: 'signedOut' } });
    expect(t.devices).toHaveLength(0);
  });

  it('reports a wrong password in words and creates no Device', async () => {
    const t = setup();
    await t.controller.start();
    expect(await t.controller.signIn('alice', 'nope')).toBe('Wrong user name or password.');
    expect(t.status()).toBe('signedOut');
    expect(t.devices).toHaveLength(0);
  });

  it('resumes an existing session on start', async () => {
    const api = new FakeApi();
    api.sessionUser = { identity: 'bob', colleagues: ['alice'] };
    const t = setup({ api });
    await t.controller.start();
    await flush();
    expect(t.status()).toBe('ready');
    expect(t.controller.getSnapshot().user?.colleagues).toEqual(['alice']);
  });

  it('sign-out destroys the Device and ends the session on the server', async () => {
    const t = await signedIn();
    await t.controller.signOut();
    expect(t.device().destroyed).toBe(true);
    expect(t.api.signOuts).toBe(1);
    expect(t.controller.getSnapshot()).toMatchObject({ user: null, phone: { status: 'signedOut' } });
    // Events from the destroyed Device no longer move the state.
    t.device().emit('registered');
    expect(t.status()).toBe('signedOut');
  });
});
