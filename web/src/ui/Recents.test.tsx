// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord, ServerEvent } from '../../../contracts/api';
import { ApiError } from '../core/api';
import { FakeApi, callRecord } from '../core/testing/fake-env';
import { setLocale } from '../i18n';
import { describeCall, formatCallTime } from './recent-call';
import { flush, renderApp } from './test-utils';

afterEach(async () => {
  cleanup();
  await setLocale('en', false);
});

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

const HISTORY: CallRecord[] = [
  callRecord('c1', { startedAt: at(1), from: '+12025550102', calledBackBy: 'bob', seen: true }),
  callRecord('c2', { startedAt: at(2), from: '+12025550103', outcome: 'answered', answeredBy: 'bob', durationSeconds: 125 }),
  callRecord('c3', { startedAt: at(3), direction: 'outbound', from: 'client:alice', to: '+12025550104', outcome: 'busy' }),
  callRecord('c4', { startedAt: at(4), from: '+12025550105' }),
];

async function recents(history = HISTORY) {
  const api = new FakeApi();
  api.history = history;
  const t = await renderApp({ api });
  await flush();
  const section = screen.getByRole('region', { name: 'Recents' });
  const rows = () => within(section).queryAllByTestId('recent-call');
  const push = (event: ServerEvent) => act(() => void t.events.push(event));
  return { ...t, section, rows, push };
}

describe('describeCall', () => {
  it.each([
    ['missed from a number', callRecord('x'), { way: 'missed', peer: '+12025550123', callBack: '+12025550123', summary: 'Missed', notes: [], unseen: true }],
    ['answered by a colleague', callRecord('x', { outcome: 'answered', answeredBy: 'bob', durationSeconds: 65 }), { way: 'incoming', summary: '1:05', notes: ['Answered by bob'] }],
    ['answered by me', callRecord('x', { outcome: 'answered', answeredBy: 'alice', durationSeconds: 5 }), { way: 'incoming', summary: '0:05', notes: [] }],
    ['called back', callRecord('x', { calledBackBy: 'carol', seen: true }), { way: 'missed', notes: ['Called back by carol'], unseen: false }],
    ['outbound, no answer', callRecord('x', { direction: 'outbound', from: 'client:alice', to: '+12025550199', outcome: 'no-answer' }), { way: 'outgoing', peer: '+12025550199', summary: 'No answer' }],
    ['internal, to me', callRecord('x', { direction: 'internal', from: 'client:bob', to: 'client:alice', outcome: 'rejected' }), { way: 'incoming', peer: 'client:bob', callBack: 'client:bob', summary: 'Declined' }],
    ['internal, from me', callRecord('x', { direction: 'internal', from: 'client:alice', to: 'client:carol', outcome: null }), { way: 'outgoing', peer: 'client:carol', summary: 'In progress' }],
    ['an anonymous caller', callRecord('x', { from: 'anonymous' }), { peer: 'anonymous', callBack: null }],
  ] as const)('%s', (_name, record, expected) => {
    expect(describeCall(record, 'alice')).toMatchObject(expected);
  });
});

describe('formatCallTime', () => {
  const now = new Date(2025, 2, 10, 15, 0);
  it.each([
    ['today: the time', new Date(2025, 2, 10, 9, 5), '9:05 AM'],
    ['this week: the weekday', new Date(2025, 2, 7, 9, 5), 'Fri 9:05 AM'],
    ['this year: the date', new Date(2025, 0, 7, 9, 5), 'Jan 7'],
    ['earlier: with the year', new Date(2024, 0, 7, 9, 5), 'Jan 7, 2024'],
  ])('%s', (_name, when, expected) => {
    expect(formatCallTime(when.toISOString(), now, 'en-US').replace(/\u202f/g, ' ')).toBe(expected);
  });
});

describe('Recents', () => {
  it('lists the calls newest first, with direction, party, outcome in words and who called back', async () => {
    const { rows } = await recents();
    await waitFor(() => expect(rows()[0]).toHaveTextContent('(202) 555-0105'));
    const [missed, busy, answered, calledBack] = rows();
    expect(within(missed!).getByRole('img', { name: 'Missed call' })).toBeInTheDocument();
    expect(missed).toHaveTextContent('Missed');
    expect(missed).toHaveTextContent('New');
    expect(within(busy!).getByRole('img', { name: 'Outgoing call' })).toBeInTheDocument();
    expect(busy).toHaveTextContent('(202) 555-0104Busy');
    expect(answered).toHaveTextContent('2:05');
    expect(answered).toHaveTextContent('Answered by bob');
    expect(calledBack).toHaveTextContent('Called back by bob');
    expect(calledBack).not.toHaveTextContent('New');
  });

  it('Call back dials the other party', async () => {
    const user = userEvent.setup();
    const t = await recents();
    await user.click(within(t.rows()[1]!).getByRole('button', { name: /^Call back/ }));
    expect(t.device().connects).toEqual([{ To: '+12025550104' }]);
  });

  it('filters to missed calls', async () => {
    const user = userEvent.setup();
    const t = await recents();
    const missed = within(t.section).getByRole('button', { name: 'Missed' });
    await user.click(missed);
    await flush();
    expect(missed).toHaveAttribute('aria-pressed', 'true');
    expect(t.rows()).toHaveLength(2);
    expect(t.api.callQueries.at(-1)).toMatchObject({ filter: 'missed' });
  });

  it('shows a missed call live, with the badge, and clears the badge once the list is used', async () => {
    const t = await recents();
    const badge = () => within(t.section).queryByTestId('missed-badge');
    expect(badge()).toHaveTextContent('1');
    t.push({ type: 'call', call: callRecord('c5', { startedAt: at(5), from: '+12025550106' }) });
    t.push({ type: 'unseen', unseen: { missedCalls: 2 } });
    expect(t.rows()).toHaveLength(5);
    expect(badge()).toHaveTextContent('2');
    expect(within(t.section).getByText('Missed calls not seen yet: 2')).toBeInTheDocument();
    fireEvent.pointerDown(t.rows()[0]!);
    await flush();
    expect(t.api.seenRequests).toEqual([at(5)]);
    expect(badge()).toBeNull();
    expect(t.rows()[0]).not.toHaveTextContent('New');
  });

  it('loads older calls at the end of the list', async () => {
    const many = Array.from({ length: 35 }, (_, i) => callRecord(`m${i}`, { startedAt: at(i), seen: true }));
    const user = userEvent.setup();
    const t = await recents(many);
    expect(t.rows()).toHaveLength(30);
    await user.click(within(t.section).getByRole('button', { name: 'Show older calls' }));
    await flush();
    expect(t.rows()).toHaveLength(35);
    expect(within(t.section).queryByRole('button', { name: 'Show older calls' })).toBeNull();
  });

  it('says why the list could not be loaded, and tries again', async () => {
    const api = new FakeApi();
    api.liveError = new ApiError('The history store is unavailable.', 503, 'store_unavailable');
    const user = userEvent.setup();
    await renderApp({ api });
    await flush();
    expect(await screen.findByText('Recent calls could not be loaded: The history store is unavailable.')).toBeInTheDocument();
    api.liveError = null;
    api.history = HISTORY;
    await user.click(within(screen.getByRole('region', { name: 'Recents' })).getByRole('button', { name: 'Try again' }));
    await flush();
    expect(screen.getAllByTestId('recent-call')).toHaveLength(4);
  });

  it('speaks the other languages', async () => {
    await setLocale('ja', false);
    const api = new FakeApi();
    api.history = HISTORY;
    await renderApp({ api });
    await flush();
    expect(screen.getByRole('heading', { name: '履歴' })).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: '連絡可能' })).toBeInTheDocument();
    expect(screen.getAllByText('不在着信').length).toBeGreaterThan(0);
  });
});

describe('availability and presence', () => {
  it('the header switch named Available turns Do not disturb on and off', async () => {
    const user = userEvent.setup();
    const t = await recents();
    const available = screen.getByRole('switch', { name: 'Available' });
    expect(available).toHaveAttribute('aria-checked', 'true');
    await user.click(available);
    await flush();
    expect(available).toHaveAttribute('aria-checked', 'false');
    expect(available).toHaveAccessibleDescription('Do not disturb: Calls to the team number do not ring you.');
    expect(t.api.team.find((p) => p.user === 'alice')?.availability).toBe('dnd');
  });

  it('flips back and says why when the server refuses', async () => {
    const user = userEvent.setup();
    const t = await recents();
    t.api.liveError = new ApiError('The store is unavailable, nothing was changed.', 503, 'store_unavailable');
    await user.click(screen.getByRole('switch', { name: 'Available' }));
    await flush();
    expect(screen.getByRole('switch', { name: 'Available' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('alert')).toHaveTextContent('Your availability was not changed: The store is unavailable, nothing was changed.');
  });

  it('colleagues show Available, Do not disturb or On a call, live', async () => {
    const t = await recents();
    const colleagues = screen.getByRole('region', { name: 'Colleagues' });
    const bob = () => within(colleagues).getByText('bob').closest('li')!;
    expect(bob()).toHaveTextContent('Available');
    t.push({ type: 'presence', presence: { user: 'bob', availability: 'available', onCall: true } });
    expect(bob()).toHaveTextContent('On a call');
    t.push({ type: 'presence', presence: { user: 'bob', availability: 'dnd', onCall: false } });
    expect(bob()).toHaveTextContent('Do not disturb');
  });
});
