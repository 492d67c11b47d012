// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../contracts/api';
import { ApiError } from '../core/api';
import { FakeApi, callRecord, textRecord } from '../core/testing/fake-env';
import { setLocale } from '../i18n';
import { statusWords } from './Messages';
import { flush, renderApp } from './test-utils';

afterEach(async () => {
  cleanup();
  await setLocale('en', false);
});

const PEER = '+14155550123';

async function messages() {
  const api = new FakeApi();
  api.conversationList = [{ id: '1', peer: PEER, lastMessage: '<img src=x onerror=alert(1)>', lastAt: '2026-01-01T10:00:00.000Z', unread: 2, optedOut: false }];
  api.texts['1'] = [
    textRecord('1', { body: '<img src=x onerror=alert(1)>' }),
    textRecord('2', { direction: 'outbound', body: 'On our way', status: 'failed', errorCode: 30006, sentBy: 'bob' }),
  ];
  const t = await renderApp({ api });
  await flush();
  const section = screen.getByRole('region', { name: 'Messages' });
  const push = (event: ServerEvent) => act(() => void t.events.push(event));
  return { ...t, api, section, push };
}

describe('statusWords', () => {
  it.each([
    [{ status: 'delivered', errorCode: null }, 'Delivered'],
    [{ status: 'failed', errorCode: 30006 }, 'Failed: the number is a landline or cannot receive texts'],
    [{ status: 'undelivered', errorCode: 30003 }, 'Not delivered: the phone is switched off or out of reach'],
    [{ status: 'failed', errorCode: 12345 }, 'Failed: error 12345'],
  ] as const)('%j', (message, words) => {
    expect(statusWords(message)).toBe(words);
  });
});

describe('Messages', () => {
  it('shows conversations with unread counts, a thread as text (never markup), who sent what and why it failed', async () => {
    const { section, api } = await messages();
    expect(within(section).getByText('2')).toBeInTheDocument();
    await userEvent.click(within(section).getByRole('button', { name: /Conversation with/ }));
    await flush();
    const bubbles = within(section).getAllByTestId('message');
    expect(bubbles).toHaveLength(2);
    expect(bubbles[0]).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(section.querySelector('img')).toBeNull();
    expect(bubbles[1]).toHaveTextContent('Sent by bob');
    expect(within(bubbles[1]!).getByTestId('message-status')).toHaveTextContent('Failed: the number is a landline or cannot receive texts');
    expect(within(bubbles[1]!).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(api.reads).toEqual(['1']);
  });

  it('counts characters and SMS parts, warns before a long text, sends, and shows a refusal in words', async () => {
    const { section, api } = await messages();
    await userEvent.click(within(section).getByRole('button', { name: /Conversation with/ }));
    const box = within(section).getByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'こんにちは');
    expect(within(section).getByText(/5 characters, 1 SMS \(UCS-2\)/)).toBeInTheDocument();
    await userEvent.clear(box);
    await userEvent.type(box, 'a'.repeat(320));
    expect(within(section).getByText(/sent as 3 separate SMS parts/)).toBeInTheDocument();
    await userEvent.clear(box);
    await userEvent.type(box, 'See you at three');
    await userEvent.click(within(section).getByRole('button', { name: 'Send' }));
    await flush();
    expect(api.sent).toEqual([{ to: PEER, body: 'See you at three' }]);
    expect(box).toHaveValue('');
    api.sendError = new ApiError('This number replied STOP: it gets no texts from the team until it texts START.', 409, 'opted_out');
    await userEvent.type(box, 'one more');
    await userEvent.click(within(section).getByRole('button', { name: 'Send' }));
    await flush();
    expect(within(section).getByRole('alert')).toHaveTextContent('replied STOP');
  });

  it('disables the composer for a number that opted out', async () => {
    const { section, push } = await messages();
    await userEvent.click(within(section).getByRole('button', { name: /Conversation with/ }));
    push({ type: 'conversation', conversation: { id: '1', peer: PEER, lastMessage: 'STOP', lastAt: '2026-01-02T10:00:00.000Z', unread: 0, optedOut: true } });
    expect(within(section).getByRole('textbox', { name: 'Message' })).toBeDisabled();
    expect(within(section).getByText(/replied STOP/)).toBeInTheDocument();
  });
});

describe('Text from Recents', () => {
  it('a Recents row of a phone number opens its conversation in Messages', async () => {
    const api = new FakeApi();
    api.history = [callRecord('c1', { from: '+12025550102' })];
    await renderApp({ api });
    await flush();
    const recents = screen.getByRole('region', { name: 'Recents' });
    await userEvent.click(within(recents).getByRole('button', { name: /^Text / }));
    const section = screen.getByRole('region', { name: 'Messages' });
    expect(within(section).getByRole('heading', { name: /Conversation with/ })).toBeInTheDocument();
    expect(within(section).getByRole('textbox', { name: 'Message' })).toBeEnabled();
  });
});
