// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../core/api';
import { FakeApi } from '../core/testing/fake-env';
import { setLocale } from '../i18n';
import { FakeCall, flush, renderApp, ringIn } from './test-utils';

afterEach(async () => {
  cleanup();
  await setLocale('en', false);
});

/** Alice in an answered call with +12025550123 (leg CA1, history id h1), the in-call dialog open. */
async function inCall() {
  const api = new FakeApi();
  const t = await renderApp({ api });
  api.control.addCall('h1', 'CA1', '+12025550123');
  const call = ringIn(t.device());
  await userEvent.setup().click(screen.getByRole('button', { name: 'Accept' }));
  act(() => void call.emit('accept', call));
  await flush();
  const dialog = await screen.findByRole('dialog', { name: /Call with/ });
  return { ...t, call, dialog, user: userEvent.setup() };
}

describe('call control in the in-call dialog', () => {
  it('holds and resumes, with On hold in the header', async () => {
    const { dialog, user, api } = await inCall();
    await user.click(within(dialog).getByRole('button', { name: 'Hold' }));
    await waitFor(() => expect(within(dialog).getByTestId('call-status')).toHaveTextContent('On hold'));
    await user.click(within(dialog).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(within(dialog).getByTestId('call-status')).toHaveTextContent('Connected'));
    expect(api.control.requests).toEqual(['hold h1', 'resume h1']);
    expect(within(dialog).getByRole('button', { name: 'Mute' })).toBeEnabled();
  });

  it('says why when the server refuses', async () => {
    const { dialog, user, api } = await inCall();
    api.control.error = new ApiError('Twilio refused to change the call: busy.', 502, 'twilio_refused');
    await user.click(within(dialog).getByRole('button', { name: 'Hold' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Twilio refused to change the call: busy.');
  });

  it('transfers now to a colleague typed in the form', async () => {
    const { dialog, user, api } = await inCall();
    await user.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    const input = within(dialog).getByLabelText('Colleague or number');
    expect(input).toHaveFocus();
    await user.type(input, 'bob');
    await user.click(within(dialog).getByRole('button', { name: 'Transfer now' }));
    await waitFor(() => expect(api.control.requests).toEqual(['transfer h1 bob blind']));
    expect(await within(dialog).findByTestId('transfer-status')).toHaveTextContent('Calling bob');
    expect(within(dialog).queryByRole('button', { name: 'Complete transfer' })).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled();
  });

  it('consults first, then completes the transfer once the colleague answers', async () => {
    const { dialog, user, api, events } = await inCall();
    await user.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    await user.type(within(dialog).getByLabelText('Colleague or number'), 'bob');
    await user.click(within(dialog).getByRole('button', { name: 'Consult first' }));
    const complete = await within(dialog).findByRole('button', { name: 'Complete transfer' });
    expect(complete).toBeDisabled();
    const live = api.control.calls[0]!;
    live.transfer = { ...live.transfer!, state: 'consulting' };
    live.parties = live.parties.map((p) => (p.name === 'bob' ? { ...p, state: 'connected' } : p.name === 'alice' ? p : { ...p, state: 'held' }));
    act(() => void events.push({ type: 'live-call', liveCall: structuredClone(live) }));
    await waitFor(() => expect(complete).toBeEnabled());
    expect(within(dialog).getByTestId('transfer-status')).toHaveTextContent('Talking to bob');
    expect(within(dialog).getByTestId('call-parties')).toHaveTextContent(/\(202\) 555-0123\s*on hold/);
    await user.click(complete);
    await waitFor(() => expect(api.control.requests).toEqual(['transfer h1 bob consult', 'complete h1']));
  });

  it('adds a person, who is listed as ringing, by keyboard alone', async () => {
    const { dialog, user, api } = await inCall();
    within(dialog).getByRole('button', { name: 'Add person' }).focus();
    await user.keyboard('{Enter}');
    await user.keyboard('+12025550142{Enter}');
    await waitFor(() => expect(api.control.requests).toEqual(['add h1 +12025550142']));
    await waitFor(() => expect(within(dialog).getByTestId('call-parties')).toHaveTextContent(/\(202\) 555-0142\s*ringing/));
  });
});

describe('call waiting', () => {
  async function withWaiting() {
    const t = await inCall();
    t.api.control.addCall('h2', 'CA2', '+12025550199');
    const second = new FakeCall({ CallSid: 'CA2', From: '+12025550199', To: 'client:alice' });
    act(() => void t.device().emit('incoming', second));
    await flush();
    return { ...t, second };
  }

  it('shows a banner in the call, not a second dialog, and declines', async () => {
    const { dialog, user, second } = await withWaiting();
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    const banner = within(dialog).getByTestId('call-waiting');
    await waitFor(() => expect(banner).toHaveTextContent('Call waiting: (202) 555-0199'));
    await user.click(within(banner).getByRole('button', { name: 'Decline' }));
    expect(second.actions).toEqual(['reject']);
    expect(within(dialog).queryByTestId('call-waiting')).not.toBeInTheDocument();
  });

  it('End & accept ends the call in progress and answers the waiting one', async () => {
    const { dialog, user, second, call } = await withWaiting();
    await user.click(within(dialog).getByRole('button', { name: 'End & accept' }));
    expect(call.actions).toEqual(['accept', 'disconnect']);
    expect(second.actions).toEqual(['accept']);
    act(() => void second.emit('accept', second));
    await flush();
    const current = screen.getByRole('dialog', { name: /Call with/ });
    await waitFor(() => expect(current).toHaveAccessibleName('Call with (202) 555-0199'));
    expect(within(current).queryByTestId('call-waiting')).not.toBeInTheDocument();
  });

  it('Hold & accept parks the call in progress, answers the waiting one, and Swap rings the parked one back', async () => {
    const { dialog, user, second, call, api } = await withWaiting();
    await user.click(within(dialog).getByRole('button', { name: 'Hold & accept' }));
    await waitFor(() => expect(second.actions).toEqual(['accept']));
    expect(api.control.requests).toEqual(['hold h1', 'park h1']);
    // What the Voice SDK does on accept: the active call hangs up, then the accepted one is answered.
    act(() => {
      call.disconnect();
      second.emit('accept', second);
    });
    await flush();
    const current = screen.getByRole('dialog', { name: /Call with/ });
    await waitFor(() => expect(current).toHaveAccessibleName('Call with (202) 555-0199'));
    const row = within(current).getByTestId('other-call');
    expect(row).toHaveTextContent('On hold: (202) 555-0123');
    await user.click(within(row).getByRole('button', { name: 'Swap' }));
    await waitFor(() => expect(api.control.requests.slice(2)).toEqual(['hold h2', 'park h2', 'unpark h1']));
    expect(within(screen.getByRole('dialog', { name: /Call with/ })).getByTestId('parked-call')).toBeInTheDocument();
  });
});

describe('a transferred call ringing', () => {
  it('says who is transferring whom', async () => {
    const t = await renderApp();
    const call = new FakeCall({ CallSid: 'CA5', From: 'client:bob', To: 'client:alice' });
    Object.assign(call, { customParameters: new Map([['transferredBy', 'bob'], ['transferredCaller', '+12025550123']]) });
    act(() => void t.device().emit('incoming', call));
    const dialog = screen.getByRole('alertdialog', { name: 'Incoming call' });
    await waitFor(() => expect(within(dialog).getByTestId('transfer-offer')).toHaveTextContent('bob is transferring (202) 555-0123 to you'));
  });

  it('says a transfer nobody answered has come back', async () => {
    const t = await renderApp();
    const call = new FakeCall({ CallSid: 'CA6', From: '+12025550123', To: 'client:alice' });
    Object.assign(call, { customParameters: new Map([['recalledFrom', 'bob'], ['transferredCaller', '+12025550123']]) });
    act(() => void t.device().emit('incoming', call));
    const dialog = screen.getByRole('alertdialog', { name: 'Incoming call' });
    expect(within(dialog).getByTestId('transfer-offer')).toHaveTextContent('bob did not answer: the call is back with you');
  });
});
