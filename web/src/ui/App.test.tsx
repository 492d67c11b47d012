// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n';
import { formatDuration } from './CallInProgress';
import { FakeCall, flush, renderApp, ringIn } from './test-utils';

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  await setLocale('en', false);
});

describe('sign-in', () => {
  it('signs in with the form and shows who, the team number and the registration state', async () => {
    const user = userEvent.setup();
    const t = await renderApp({ signIn: false });
    await user.type(screen.getByLabelText('User name'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await flush();
    expect(screen.getByTestId('identity')).toHaveTextContent('alice');
    await waitFor(() => expect(screen.getByTestId('team-number')).toHaveTextContent('(202) 555-0100'));
    expect(screen.getByTestId('registration')).toHaveTextContent('Ready for calls');
    expect(t.device().options).toMatchObject({ codecPreferences: ['opus', 'pcmu'] });
  });

  it('says why sign-in failed', async () => {
    const user = userEvent.setup();
    await renderApp({ signIn: false });
    await user.type(screen.getByLabelText('User name'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong user name or password.');
  });
});

describe('dial pad', () => {
  async function openDialPad() {
    const user = userEvent.setup();
    const t = await renderApp();
    await user.click(screen.getByRole('button', { name: 'New call' }));
    const dialog = screen.getByRole('dialog', { name: 'New call' });
    const input = within(dialog).getByLabelText('Phone number or name');
    return { user, t, dialog, input };
  }

  it('is a labelled modal dialog with the number field focused', async () => {
    const { dialog, input } = await openDialPad();
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(input).toHaveFocus();
    expect(within(dialog).getByRole('button', { name: 'Call' })).toBeInTheDocument();
  });

  it('formats the number as typed and dials it in E.164', async () => {
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, '2025550123');
    await waitFor(() => expect(input).toHaveValue('(202) 555-0123'));
    await user.click(within(dialog).getByRole('button', { name: 'Call' }));
    expect(t.device().connects).toEqual([{ To: '+12025550123' }]);
  });

  it('says why before dialing an invalid number', async () => {
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, '202555');
    await user.click(within(dialog).getByRole('button', { name: 'Call' }));
    expect(await within(dialog).findByText('This number is too short.')).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('This number is too short.');
    expect(t.device().connects).toEqual([]);
  });

  it('says a country is not allowed while typing', async () => {
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, '+442079460123');
    expect(await within(dialog).findByText(/Calls to United Kingdom are not allowed/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Call' }));
    expect(t.device().connects).toEqual([]);
  });

  it('accepts paste, keypad and backspace', async () => {
    const { user, dialog, input } = await openDialPad();
    await user.click(input);
    await user.paste('+1 (202) 555-01');
    await waitFor(() => expect(input).toHaveValue('+1 202 555 01'));
    await user.click(within(dialog).getByRole('button', { name: '2' }));
    await user.click(within(dialog).getByRole('button', { name: '3' }));
    await waitFor(() => expect(input).toHaveValue('+1 202 555 0123'));
    await user.click(within(dialog).getByRole('button', { name: 'Delete last digit' }));
    await waitFor(() => expect(input).toHaveValue('+1 202 555 012'));
  });

  it('dials a colleague by name', async () => {
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, 'car');
    expect(within(dialog).getByRole('button', { name: 'Call carol' })).toBeInTheDocument();
    await user.type(input, 'ol{Enter}');
    expect(t.device().connects).toEqual([{ To: 'client:carol' }]);
  });

  it('closes on Escape and gives focus back', async () => {
    const { user } = await openDialPad();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New call' })).toHaveFocus();
  });

  it('opens when a digit is typed on the home screen', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard('5');
    expect(screen.getByLabelText('Phone number or name')).toHaveValue('5');
  });
});

describe('incoming call dialog', () => {
  it('shows the formatted caller and offers Accept, Reject and Ignore', async () => {
    const t = await renderApp();
    const call = ringIn(t.device());
    const dialog = screen.getByRole('alertdialog', { name: 'Incoming call' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    await waitFor(() => expect(within(dialog).getByTestId('caller-id')).toHaveTextContent('(202) 555-0123'));
    const accept = within(dialog).getByRole('button', { name: 'Accept' });
    expect(accept).toHaveFocus();
    expect(within(dialog).getByRole('button', { name: 'Reject' })).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Ignore' })).toBeInTheDocument();
    await userEvent.setup().click(accept);
    expect(call.actions).toEqual(['accept']);
  });

  it('names a colleague for client calls and rejects', async () => {
    const t = await renderApp();
    const call = ringIn(t.device(), 'client:bob');
    const dialog = screen.getByRole('alertdialog');
    expect(within(dialog).getByTestId('caller-id')).toHaveTextContent('bob');
    expect(within(dialog).getByText('Colleague')).toBeInTheDocument();
    await userEvent.setup().click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(call.actions).toEqual(['reject']);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('Escape ignores', async () => {
    const t = await renderApp();
    const call = ringIn(t.device());
    await userEvent.setup().keyboard('{Escape}');
    expect(call.actions).toEqual(['ignore']);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('closes when the caller hangs up', async () => {
    const t = await renderApp();
    const call = ringIn(t.device());
    act(() => void call.emit('cancel'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });
});

describe('call in progress', () => {
  async function connected() {
    const t = await renderApp();
    const call = new FakeCall({});
    t.device().nextCall = call;
    await act(() => t.controller.dial('client:bob'));
    return { t, call };
  }

  it('goes dialing → ringing → connected with a running timer', async () => {
    const { t, call } = await connected();
    const dialog = screen.getByRole('dialog', { name: 'Call with bob' });
    expect(within(dialog).getByTestId('call-status')).toHaveTextContent('Calling…');
    act(() => void call.emit('ringing', false));
    expect(within(dialog).getByTestId('call-status')).toHaveTextContent('Ringing…');
    const pageTitle = document.title;
    act(() => void call.emit('accept', call));
    expect(within(dialog).getByRole('timer')).toHaveTextContent('0:00');
    t.env.time += 65_000;
    act(() => t.env.runTimers());
    expect(within(dialog).getByRole('timer')).toHaveTextContent('1:05');
    // The tab title shows the call too, and goes back once it ends.
    expect(document.title).toBe('1:05 · Call with bob');
    act(() => void call.emit('disconnect', call));
    expect(document.title).toBe(pageTitle);
  });

  it('stops rewriting the timer while the page is hidden, and catches up when it shows', async () => {
    const { t, call } = await connected();
    act(() => void call.emit('accept', call));
    const timer = screen.getByRole('timer');
    t.env.hidden = true;
    t.env.time += 3_000;
    act(() => t.env.runTimers());
    expect(timer).toHaveTextContent('0:00');
    expect(document.title).toBe('0:03 · Call with bob');
    t.env.hidden = false;
    act(() => t.env.fire('document', 'visibilitychange'));
    expect(timer).toHaveTextContent('0:03');
  });

  it('draws the call’s levels on its meters, and nothing while the page is hidden', async () => {
    const { t, call } = await connected();
    act(() => void call.emit('accept', call));
    const mic = screen.getByRole('meter', { name: 'Your microphone' });
    const bar = mic.firstElementChild as HTMLElement;
    act(() => void call.emit('volume', 0.25, 0));
    expect(mic).toHaveAttribute('aria-valuenow', '50');
    expect(bar.style.transform).toBe('scaleX(0.5)');
    t.env.hidden = true;
    t.env.time += 5_000;
    act(() => void call.emit('volume', 1, 1));
    expect(bar.style.transform).toBe('scaleX(0.5)');
    t.env.hidden = false;
    act(() => void call.emit('volume', 1, 1));
    expect(bar.style.transform).toBe('scaleX(1)');
  });

  it('mutes and unmutes with a button whose name follows', async () => {
    const { call } = await connected();
    act(() => void call.emit('accept', call));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Mute' }));
    expect(call.isMuted()).toBe(true);
    expect(screen.getByText('Your microphone is muted.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Unmute' }));
    expect(call.isMuted()).toBe(false);
  });

  it('sends DTMF from the keypad and the keyboard', async () => {
    const { t, call } = await connected();
    act(() => void call.emit('accept', call));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Keypad' }));
    await user.click(screen.getByRole('button', { name: '1' }));
    await user.keyboard('9#');
    act(() => t.env.runTimers());
    expect(call.digits).toBe('19#');
    expect(screen.getByText('Tones sent: 19#')).toBeInTheDocument();
  });

  it('shows quality warnings while they last, and reconnecting', async () => {
    const { call } = await connected();
    act(() => void call.emit('accept', call));
    act(() => void call.emit('warning', 'high-packet-loss', {}));
    expect(screen.getByTestId('call-warnings')).toHaveTextContent('Call quality: packet loss');
    act(() => void call.emit('warning-cleared', 'high-packet-loss'));
    expect(screen.queryByTestId('call-warnings')).not.toBeInTheDocument();
    act(() => void call.emit('reconnecting', new Error('ice')));
    expect(screen.getByTestId('call-status')).toHaveTextContent('Reconnecting…');
  });

  it('hangs up and says why a call failed', async () => {
    const { call } = await connected();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Hang up' }));
    expect(call.actions).toContain('disconnect');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('explains a blocked microphone with how to unblock it', async () => {
    const t = await renderApp();
    t.device().connectError = Object.assign(new Error('Permission denied'), { code: 31401 });
    await act(() => t.controller.dial('+12025550123'));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The microphone is blocked for this site.');
    expect(alert).toHaveTextContent('set Microphone to Allow');
  });

  it('says busy', async () => {
    const { call } = await connected();
    act(() => {
      call.emit('error', Object.assign(new Error('Busy Here'), { code: 31486 }));
      call.emit('disconnect', call);
    });
    expect(screen.getByRole('alert')).toHaveTextContent('The line is busy.');
  });

  it('tells the person in the call dialog when the headset is unplugged', async () => {
    const { t, call } = await connected();
    act(() => void call.emit('accept', call));
    act(() => void t.device().audio.emit('deviceChange', [{ deviceId: 'headset', label: 'USB Headset' }]));
    const dialog = screen.getByRole('dialog', { name: 'Call with bob' });
    expect(within(dialog).getByText('“USB Headset” was disconnected. Using the default device instead.')).toBeInTheDocument();
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59_999)).toBe('0:59');
    expect(formatDuration(3_600_000 + 61_000)).toBe('1:01:01');
  });
});

describe('languages', () => {
  it('switches every visible string', async () => {
    const user = userEvent.setup();
    await renderApp();
    expect(screen.getByRole('button', { name: 'New call' })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Language'), 'ja');
    await waitFor(() => expect(screen.getByRole('button', { name: '新しい通話' })).toBeInTheDocument());
    expect(screen.getByTestId('registration')).toHaveTextContent('着信可能');
    expect(document.documentElement.lang).toBe('ja');
    await user.selectOptions(screen.getByLabelText('言語'), 'ru');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Новый звонок' })).toBeInTheDocument());
    await user.selectOptions(screen.getByLabelText('Язык'), 'zh-TW');
    await waitFor(() => expect(screen.getByRole('button', { name: '撥打電話' })).toBeInTheDocument());
  });
});

describe('audio settings and device log', () => {
  it('lists devices, remembers a choice and plays a test sound', async () => {
    const user = userEvent.setup();
    const t = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Audio settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Audio settings' });
    await user.selectOptions(within(dialog).getByLabelText('Speaker'), 'headset');
    expect([...t.device().audio.speakerDevices.selected]).toEqual(['headset']);
    expect(t.env.store.get('softphone.audio')).toContain('"speaker":"headset"');
    await user.click(within(dialog).getByRole('button', { name: 'Play test sound' }));
    expect(t.device().audio.speakerDevices.tested).toBe(1);
    expect(within(dialog).getByRole('meter', { name: 'Microphone level' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(t.device().audio.inputDevice).toBeNull();
  });

  it('tells the person when a headset is unplugged', async () => {
    const t = await renderApp();
    act(() => void t.device().audio.emit('deviceChange', [{ deviceId: 'headset', label: 'USB Headset' }]));
    expect(screen.getByText('“USB Headset” was disconnected. Using the default device instead.')).toBeInTheDocument();
  });

  it('shows timestamped events', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByRole('button', { name: 'Device log' }));
    const log = await screen.findByRole('region', { name: 'Device log' });
    expect(within(log).getByText(/Registered: ready for calls/)).toBeInTheDocument();
    expect(within(log).getAllByRole('listitem')[0]?.querySelector('time')).not.toBeNull();
  });

  it('says the log is capped, and how many old lines it dropped', async () => {
    const user = userEvent.setup();
    const t = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Device log' }));
    const log = await screen.findByRole('region', { name: 'Device log' });
    expect(within(log).getByTestId('log-cap')).toHaveTextContent('Keeps the last 500 entries.');
    const before = t.controller.log.getEntries().length;
    act(() => {
      for (let i = 1; i <= 600; i++) t.controller.log.add(`line ${i}`);
    });
    const items = within(log).getAllByRole('listitem');
    expect(items).toHaveLength(500);
    expect(items.at(-1)).toHaveTextContent('line 600');
    expect(within(log).getByTestId('log-cap')).toHaveTextContent(`Keeps the last 500 entries. Older entries dropped: ${before + 100}.`);
  });

  it('keeps Tab inside an open dialog', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByRole('button', { name: 'New call' }));
    const dialog = screen.getByRole('dialog');
    for (let i = 0; i < 20; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(dialog.contains(document.activeElement)).toBe(true);
  });
});
