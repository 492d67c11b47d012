import { describe, expect, it } from 'vitest';
import { initialState, reduce, type PhoneEvent, type PhoneState, type Status } from './state';

const problem = { reason: 'busy' as const };

/** One representative state per status; call states hold call `c1`, registered. */
function stateIn(status: Status): PhoneState {
  const registration =
    status === 'signedOut' ? 'unregistered' : status === 'registering' || status === 'error' ? 'registering' : 'registered';
  const direction = status === 'incoming' ? 'incoming' : 'outgoing';
  const inCall = ['incoming', 'dialing', 'ringing', 'inCall', 'reconnecting'].includes(status);
  return {
    ...initialState,
    status,
    registration,
    problem: status === 'error' ? { reason: 'tokenInvalid' } : null,
    call: inCall ? { id: 'c1', direction, peer: '+12025550123', startedAt: null, muted: false, warnings: [], control: null, offer: null, parked: false } : null,
  };
}

const EVENTS: Record<string, PhoneEvent> = {
  signInStarted: { type: 'signInStarted' },
  registering: { type: 'registering' },
  registered: { type: 'registered' },
  unregistered: { type: 'unregistered' },
  fatal: { type: 'fatal', problem: { reason: 'tokenInvalid' } },
  retry: { type: 'retry' },
  incoming: { type: 'incoming', id: 'c2', peer: 'client:bob' },
  dial: { type: 'dial', id: 'c2', peer: '+12025550123' },
  ringing: { type: 'ringing', id: 'c1' },
  accepted: { type: 'accepted', id: 'c1', at: 1000 },
  reconnecting: { type: 'reconnecting', id: 'c1' },
  reconnected: { type: 'reconnected', id: 'c1' },
  ended: { type: 'ended', id: 'c1', problem },
  muted: { type: 'muted', id: 'c1', muted: true },
  warning: { type: 'warning', id: 'c1', name: 'high-rtt' },
  warningCleared: { type: 'warningCleared', id: 'c1', name: 'high-rtt' },
  dismissProblem: { type: 'dismissProblem' },
  signedOut: { type: 'signedOut' },
};

// Rows: status before. Columns: the events above, in order. Cell: status after.
const COLUMNS = Object.keys(EVENTS);
const TABLE: Record<Status, string> = {
  //          signIn      registering  registered unregist.   fatal     retry       incoming  dial     ringing  accepted reconnecting reconnected ended       muted      warning    cleared    dismiss    signedOut
  signedOut: 'registering signedOut    signedOut  signedOut   signedOut signedOut   signedOut signedOut signedOut signedOut signedOut  signedOut   signedOut   signedOut  signedOut  signedOut  signedOut  signedOut',
  registering: 'registering registering ready     registering error     registering registering registering registering registering registering registering registering registering registering registering registering signedOut',
  ready: 'ready      registering  ready      registering error     ready       incoming  dialing  ready    ready    ready      ready       ready       ready      ready      ready      ready      signedOut',
  incoming: 'incoming  incoming     incoming   incoming    incoming  incoming    incoming  incoming incoming inCall   incoming   incoming    ready       incoming   incoming   incoming   incoming   signedOut',
  dialing: 'dialing    dialing      dialing    dialing     dialing   dialing     dialing   dialing  ringing  inCall   dialing    dialing     ready       dialing    dialing    dialing    dialing    signedOut',
  ringing: 'ringing    ringing      ringing    ringing     ringing   ringing     ringing   ringing  ringing  inCall   ringing    ringing     ready       ringing    ringing    ringing    ringing    signedOut',
  inCall: 'inCall     inCall       inCall     inCall      inCall    inCall      inCall    inCall   inCall   inCall   reconnecting inCall    ready       inCall     inCall     inCall     inCall     signedOut',
  reconnecting: 'reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting reconnecting inCall ready reconnecting reconnecting reconnecting reconnecting signedOut',
  error: 'registering error        ready      error       error     registering error     error    error    error    error      error       error       error      error      error      error      signedOut',
};

describe('phone state machine', () => {
  const cases = (Object.keys(TABLE) as Status[]).flatMap((from) => {
    const cells = TABLE[from].trim().split(/\s+/);
    expect(cells).toHaveLength(COLUMNS.length);
    return COLUMNS.map((eventName, i) => [from, eventName, cells[i]] as const);
  });

  it.each(cases)('%s + %s → %s', (from, eventName, to) => {
    const next = reduce(stateIn(from), EVENTS[eventName]!);
    expect(next.status).toBe(to);
  });

  it('covers every status and every event type', () => {
    expect(Object.keys(TABLE).sort()).toEqual(
      ['dialing', 'error', 'inCall', 'incoming', 'ready', 'reconnecting', 'registering', 'ringing', 'signedOut'].sort(),
    );
    expect(new Set(Object.values(EVENTS).map((e) => e.type)).size).toBe(COLUMNS.length);
  });
});

describe('phone state details', () => {
  it('starts a call with the peer and no timer', () => {
    const s = reduce(stateIn('ready'), { type: 'dial', id: 'x', peer: 'client:bob' });
    expect(s.call).toMatchObject({ id: 'x', direction: 'outgoing', peer: 'client:bob', startedAt: null });
  });

  it('starts the timer when the call is accepted', () => {
    const s = reduce(stateIn('ringing'), { type: 'accepted', id: 'c1', at: 42 });
    expect(s.call?.startedAt).toBe(42);
  });

  it('ignores events for another call', () => {
    const before = stateIn('ringing');
    expect(reduce(before, { type: 'accepted', id: 'other', at: 1 }).status).toBe('ringing');
    expect(reduce(before, { type: 'ended', id: 'other' }).call?.id).toBe('c1');
  });

  it('keeps the reason a call ended for and clears it on the next call', () => {
    const ended = reduce(stateIn('ringing'), { type: 'ended', id: 'c1', problem });
    expect(ended.problem).toEqual(problem);
    expect(reduce(ended, { type: 'dial', id: 'n', peer: '+1' }).problem).toBeNull();
    expect(reduce(ended, { type: 'dismissProblem' }).problem).toBeNull();
  });

  it('returns to registering, not ready, when a call ends while unregistered', () => {
    const s = reduce({ ...stateIn('inCall'), registration: 'unregistered' }, { type: 'ended', id: 'c1' });
    expect(s.status).toBe('registering');
  });

  it('tracks registration separately while in a call', () => {
    let s = reduce(stateIn('inCall'), { type: 'unregistered' });
    expect(s).toMatchObject({ status: 'inCall', registration: 'unregistered' });
    s = reduce(s, { type: 'registered' });
    expect(s).toMatchObject({ status: 'inCall', registration: 'registered' });
  });

  it('records a fatal problem during a call without dropping the call', () => {
    const s = reduce(stateIn('inCall'), { type: 'fatal', problem: { reason: 'tokenInvalid' } });
    expect(s.call?.id).toBe('c1');
    expect(s.problem?.reason).toBe('tokenInvalid');
  });

  it('toggles mute and tracks warnings while they last', () => {
    let s = reduce(stateIn('inCall'), { type: 'muted', id: 'c1', muted: true });
    expect(s.call?.muted).toBe(true);
    s = reduce(s, { type: 'warning', id: 'c1', name: 'high-rtt' });
    s = reduce(s, { type: 'warning', id: 'c1', name: 'high-rtt' });
    s = reduce(s, { type: 'warning', id: 'c1', name: 'low-mos' });
    expect(s.call?.warnings).toEqual(['high-rtt', 'low-mos']);
    s = reduce(s, { type: 'warningCleared', id: 'c1', name: 'high-rtt' });
    expect(s.call?.warnings).toEqual(['low-mos']);
  });

  it('sign-out forgets everything but can carry a reason', () => {
    const s = reduce(stateIn('inCall'), { type: 'signedOut', problem: { reason: 'sessionExpired' } });
    expect(s).toEqual({ ...initialState, problem: { reason: 'sessionExpired' } });
  });

  it('an error is kept until a retry or registration succeeds', () => {
    expect(reduce(stateIn('error'), { type: 'dismissProblem' }).problem?.reason).toBe('tokenInvalid');
    expect(reduce(stateIn('error'), { type: 'registered' }).problem).toBeNull();
  });
});
