import { describe, expect, it } from 'vitest';
import type { CallControl } from './call-control';
import { initialState, reduce, type CallInfo, type PhoneEvent, type PhoneState, type Status } from './state';

// The state machine with two calls: call waiting, hold & accept, swap, and who takes focus when one ends.

const info = (id: string, startedAt: number | null = 1): CallInfo => ({
  id,
  direction: 'incoming',
  peer: `+1202555010${id.slice(-1)}`,
  startedAt,
  muted: false,
  warnings: [],
  control: null,
  offer: null,
  parked: false,
});

/** An id ending in `*` is a parked call (held at the server, no SDK call of this tab). */
function phone(status: Status, slots: { call?: string; waiting?: string; background?: string } = {}): PhoneState {
  const slot = (id: string | undefined, startedAt: number | null = 1) =>
    id ? { ...info(id.replace('*', ''), startedAt), parked: id.endsWith('*') } : null;
  return { ...initialState, status, registration: 'registered', call: slot(slots.call), waiting: slot(slots.waiting, null), background: slot(slots.background) };
}

/** The ids in each slot after the event, as `status call/waiting/background` (a dash for none, `*` for parked). */
function shape(state: PhoneState): string {
  const id = (c: CallInfo | null) => (c ? `${c.id}${c.parked ? '*' : ''}` : '-');
  return `${state.status} ${id(state.call)}/${id(state.waiting)}/${id(state.background)}`;
}

const control: CallControl = { historyId: 'h1', parties: [], transfer: null, held: true, onHold: false };

const cases: Array<[string, PhoneState, PhoneEvent, string]> = [
  ['a call arriving during a call waits', phone('inCall', { call: 'c1' }), { type: 'incoming', id: 'c2', peer: '+1' }, 'inCall c1/c2/-'],
  ['a call arriving while reconnecting waits', phone('reconnecting', { call: 'c1' }), { type: 'incoming', id: 'c2', peer: '+1' }, 'reconnecting c1/c2/-'],
  ['no call waits while one is dialed', phone('dialing', { call: 'c1' }), { type: 'incoming', id: 'c2', peer: '+1' }, 'dialing c1/-/-'],
  ['only one call waits', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'incoming', id: 'c3', peer: '+1' }, 'inCall c1/c2/-'],
  ['no call waits beside a held one', phone('inCall', { call: 'c1', background: 'c2' }), { type: 'incoming', id: 'c3', peer: '+1' }, 'inCall c1/-/c2'],
  ['accepting the waiting call puts the other behind it', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'accepted', id: 'c2', at: 5 }, 'inCall c2/-/c1'],
  ['the waiting caller hanging up leaves the call', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'ended', id: 'c2' }, 'inCall c1/-/-'],
  ['the call in focus ending brings back the held one', phone('inCall', { call: 'c2', background: 'c1' }), { type: 'ended', id: 'c2' }, 'inCall c1/-/-'],
  ['the held call ending leaves the one in focus', phone('inCall', { call: 'c2', background: 'c1' }), { type: 'ended', id: 'c1' }, 'inCall c2/-/-'],
  ['the call ending with one waiting rings it', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'ended', id: 'c1' }, 'incoming c2/-/-'],
  ['swap exchanges the two', phone('inCall', { call: 'c2', background: 'c1' }), { type: 'swap' }, 'inCall c1/-/c2'],
  ['swap with one call changes nothing', phone('inCall', { call: 'c1' }), { type: 'swap' }, 'inCall c1/-/-'],
  ['swap while reconnecting waits', phone('reconnecting', { call: 'c2', background: 'c1' }), { type: 'swap' }, 'reconnecting c2/-/c1'],
  ['ringing events of the waiting call do not move focus', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'reconnecting', id: 'c2' }, 'inCall c1/c2/-'],
  ['Hold & accept parks the call in focus and rings the waiting one', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'park', id: 'c1' }, 'incoming c2/-/c1*'],
  ['the parked call’s own leg ending keeps it', phone('inCall', { call: 'c2', background: 'c1*' }), { type: 'ended', id: 'c1' }, 'inCall c2/-/c1*'],
  ['the call in focus ending brings the parked one forward, still parked', phone('inCall', { call: 'c2', background: 'c1*' }), { type: 'ended', id: 'c2' }, 'inCall c1*/-/-'],
  ['Swap parks the call in focus behind the parked one', phone('inCall', { call: 'c2', background: 'c1*' }), { type: 'park', id: 'c2' }, 'inCall c1*/-/c2*'],
  ['parking with nothing to go to changes nothing', phone('inCall', { call: 'c1' }), { type: 'park', id: 'c1' }, 'inCall c1/-/-'],
  ['the ring-back answered makes its SDK call stand for the parked one', phone('inCall', { call: 'c1*', background: 'c2*' }), { type: 'rekey', from: 'c1', to: 'c3' }, 'inCall c3/-/c2*'],
  ['a ring-back for a call not parked changes nothing', phone('inCall', { call: 'c1' }), { type: 'rekey', from: 'c1', to: 'c3' }, 'inCall c1/-/-'],
  ['a parked call ending at the server disappears', phone('inCall', { call: 'c2', background: 'c1*' }), { type: 'parkedOver', id: 'c1' }, 'inCall c2/-/-'],
  ['the last parked call ending leaves the phone ready', phone('inCall', { call: 'c1*' }), { type: 'parkedOver', id: 'c1' }, 'ready -/-/-'],
  ['a call not parked does not end by parkedOver', phone('inCall', { call: 'c1' }), { type: 'parkedOver', id: 'c1' }, 'inCall c1/-/-'],
  ['signing out drops every call', phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'signedOut' }, 'signedOut -/-/-'],
];

describe('two calls at once', () => {
  it.each(cases)('%s', (_name, before, event, after) => {
    expect(shape(reduce(before, event))).toBe(after);
  });

  it('starts the accepted waiting call’s timer when it is answered', () => {
    const next = reduce(phone('inCall', { call: 'c1', waiting: 'c2' }), { type: 'accepted', id: 'c2', at: 42 });
    expect(next.call?.startedAt).toBe(42);
    expect(next.background?.startedAt).toBe(1);
  });

  it.each(['call', 'waiting', 'background'] as const)('applies mute and the server’s control to the %s slot', (slot) => {
    const before = phone('inCall', { call: 'c1', waiting: slot === 'waiting' ? 'c2' : undefined, background: slot === 'background' ? 'c2' : undefined });
    const id = slot === 'call' ? 'c1' : 'c2';
    const after = reduce(reduce(before, { type: 'control', id, control }), { type: 'muted', id, muted: true });
    expect(after[slot]?.control).toEqual(control);
    expect(after[slot]?.muted).toBe(true);
  });

  it('keeps the parked call’s timer when its ring-back is answered', () => {
    const next = reduce(reduce(phone('inCall', { call: 'c1*' }), { type: 'rekey', from: 'c1', to: 'c3' }), { type: 'accepted', id: 'c3', at: 99 });
    expect(next.call).toMatchObject({ id: 'c3', startedAt: 1, parked: false });
  });

  it('keeps the state when the control is for a call it does not know', () => {
    const before = phone('inCall', { call: 'c1' });
    expect(reduce(before, { type: 'control', id: 'c9', control })).toBe(before);
  });

  it('carries a transfer offer on the ringing call', () => {
    const next = reduce(phone('ready'), { type: 'incoming', id: 'c1', peer: 'client:alice', offer: { caller: '+12025550123', by: 'alice', recalledFrom: null } });
    expect(next.call?.offer).toEqual({ caller: '+12025550123', by: 'alice', recalledFrom: null });
  });
});
