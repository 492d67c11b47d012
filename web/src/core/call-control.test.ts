import { describe, expect, it } from 'vitest';
import { controlFrom, liveCallOf, otherParties, transferOffer, type LiveCall, type Party } from './call-control';

const party = (name: string, state: Party['state'], kind: Party['kind'] = name.startsWith('+') ? 'phone' : 'user'): Party => ({ id: `p-${name}`, kind, name, state });

function live(parties: Party[], transfer: LiveCall['transfer'] = null): LiveCall {
  return { id: 'h1', conference: true, legs: ['CA1'], parties, transfer, ended: false };
}

const consult = { mode: 'consult' as const, to: 'bob', by: 'alice', state: 'consulting' as const };

describe('controlFrom', () => {
  it.each([
    ['a plain call', [party('alice', 'connected'), party('+12025550123', 'connected')], null, { held: false, onHold: false }],
    ['alice holds the caller', [party('alice', 'connected'), party('+12025550123', 'held')], null, { held: true, onHold: false }],
    ['bob holds alice', [party('alice', 'held'), party('bob', 'connected')], null, { held: false, onHold: true }],
    ['three-way, one held by nobody', [party('alice', 'connected'), party('bob', 'connected'), party('+12025550123', 'held')], null, { held: false, onHold: false }],
    ['three-way, all others held', [party('alice', 'connected'), party('bob', 'held'), party('+12025550123', 'held')], null, { held: true, onHold: false }],
    ['a party that left does not count', [party('alice', 'connected'), party('bob', 'left'), party('+12025550123', 'held')], null, { held: true, onHold: false }],
    ['consulting is a transfer, not a hold', [party('alice', 'connected'), party('+12025550123', 'held'), party('bob', 'connected')], consult, { held: false, onHold: false }],
    ['alone in the call', [party('alice', 'connected')], null, { held: false, onHold: false }],
  ] as const)('%s', (_name, parties, transfer, expected) => {
    const control = controlFrom(live([...parties], transfer), 'alice');
    expect({ held: control.held, onHold: control.onHold }).toEqual(expected);
    expect(control.historyId).toBe('h1');
  });
});

describe('otherParties', () => {
  it('lists everyone still in the call but me', () => {
    const control = controlFrom(live([party('alice', 'connected'), party('bob', 'ringing'), party('carol', 'left'), party('+12025550123', 'held')]), 'alice');
    expect(otherParties(control, 'alice').map((p) => p.name)).toEqual(['bob', '+12025550123']);
    expect(otherParties(null, 'alice')).toEqual([]);
  });

  it('does not mistake a phone party for the user of the same name', () => {
    const control = controlFrom(live([party('alice', 'connected', 'phone'), party('alice', 'connected')]), 'alice');
    expect(otherParties(control, 'alice')).toHaveLength(1);
  });
});

describe('liveCallOf', () => {
  const calls = [live([]), { ...live([]), id: 'h2', legs: ['CA2', 'CA3'] }];
  it.each([
    ['CA1', 'h1'],
    ['CA3', 'h2'],
    ['CA9', undefined],
    ['', undefined],
  ])('%s → %s', (sid, id) => {
    expect(liveCallOf(calls, sid)?.id).toBe(id);
  });
});

describe('transferOffer', () => {
  it.each([
    [new Map([['transferredBy', 'alice'], ['transferredCaller', '+12025550123'], ['transferMode', 'blind']]), { by: 'alice', caller: '+12025550123', recalledFrom: null }],
    [new Map([['recalledFrom', 'bob'], ['transferredCaller', '+12025550123']]), { by: null, caller: '+12025550123', recalledFrom: 'bob' }],
    [new Map([['transferredBy', 'alice']]), null],
    [new Map([['transferredCaller', '+12025550123']]), null],
    [new Map<string, string>(), null],
    [undefined, null],
  ])('%#', (params, offer) => {
    expect(transferOffer(params)).toEqual(offer);
  });
});
