import { describe, expect, it } from 'vitest';
import { dialed, ended, joined, left, notDialed, plainCall, plan, TRANSFER_PARAMS } from './plan';
import type { Action, CallState, Request } from './plan';
import { liveCallFor } from './view';

const ctx = { teamNumber: '+12025550100' };
/** A phone called the team and alice answered: the parent leg is the phone's, the dialed leg alice's. */
const inbound = (): CallState =>
  plainCall('7', 'room-7', { kind: 'phone', name: '+12025550199', callSid: 'CAparent' }, { kind: 'user', name: 'alice', callSid: 'CAchild' });
/** alice called bob. */
const internal = (): CallState =>
  plainCall('8', 'room-8', { kind: 'user', name: 'alice', callSid: 'CAalice' }, { kind: 'user', name: 'bob', callSid: 'CAbob' });

function ok(state: CallState, user: string, request: Request) {
  const out = plan(state, user, request, ctx);
  if (!out.ok) throw new Error(out.message);
  return out;
}
const states = (s: CallState) => Object.fromEntries(s.parties.map((p) => [p.name, p.state]));

describe('plan: requests', () => {
  const cases: { name: string; start: () => CallState; user: string; request: Request; parties?: Record<string, string>; actions?: Action[]; wrong?: true }[] = [
    {
      name: 'the first hold moves both legs into the room, then holds the caller',
      start: inbound, user: 'alice', request: { kind: 'hold' },
      parties: { '+12025550199': 'held', alice: 'connected' },
      actions: [{ kind: 'move', child: 'CAchild', parent: 'CAparent' }, { kind: 'hold', callSid: 'CAparent', hold: true }],
    },
    { name: 'resume on a call not held', start: inbound, user: 'alice', request: { kind: 'resume' }, wrong: true },
    { name: 'a transfer to yourself', start: inbound, user: 'alice', request: { kind: 'transfer', to: { kind: 'user', name: 'alice' }, mode: 'blind' }, wrong: true },
    { name: 'adding someone already in the call', start: internal, user: 'alice', request: { kind: 'add', to: { kind: 'user', name: 'bob' } }, wrong: true },
    { name: 'complete without a transfer', start: inbound, user: 'alice', request: { kind: 'complete' }, wrong: true },
    { name: 'cancel without a transfer', start: inbound, user: 'alice', request: { kind: 'cancel' }, wrong: true },
    {
      name: 'a blind transfer holds the caller, rings the target with who and by whom, and drops the user',
      start: inbound, user: 'alice', request: { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'blind' },
      parties: { '+12025550199': 'held', alice: 'left', bob: 'ringing' },
      actions: [
        { kind: 'move', child: 'CAchild', parent: 'CAparent' },
        { kind: 'hold', callSid: 'CAparent', hold: true },
        { kind: 'dial', party: 'p3', to: `client:bob?${TRANSFER_PARAMS.by}=alice&${TRANSFER_PARAMS.caller}=%2B12025550199&${TRANSFER_PARAMS.mode}=blind`, from: '+12025550199', label: 'p3' },
        { kind: 'remove', callSid: 'CAchild' },
      ],
    },
    {
      name: 'a consult transfer to a number keeps the user talking; the number sees the team number',
      start: inbound, user: 'alice', request: { kind: 'transfer', to: { kind: 'phone', name: '+12025550111' }, mode: 'consult' },
      parties: { '+12025550199': 'held', alice: 'connected', '+12025550111': 'ringing' },
      actions: [
        { kind: 'move', child: 'CAchild', parent: 'CAparent' },
        { kind: 'hold', callSid: 'CAparent', hold: true },
        { kind: 'dial', party: 'p3', to: '+12025550111', from: '+12025550100', label: 'p3' },
      ],
    },
    {
      name: 'add person holds nobody',
      start: internal, user: 'bob', request: { kind: 'add', to: { kind: 'phone', name: '+12025550111' } },
      parties: { alice: 'connected', bob: 'connected', '+12025550111': 'ringing' },
      actions: [{ kind: 'move', child: 'CAbob', parent: 'CAalice' }, { kind: 'dial', party: 'p3', to: '+12025550111', from: '+12025550100', label: 'p3' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = plan(c.start(), c.user, c.request, ctx);
      if (c.wrong) {
        expect(out.ok).toBe(false);
        return;
      }
      if (!out.ok) throw new Error(out.message);
      expect(states(out.state)).toEqual(c.parties);
      expect(out.actions).toEqual(c.actions);
      expect(out.state.conference).toBe(true);
    });
  }

  it('a user not in the call cannot act; a second transfer waits for the first', () => {
    expect(plan(inbound(), 'carol', { kind: 'hold' }, ctx).ok).toBe(false);
    const s = ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'consult' }).state;
    expect(plan(s, 'alice', { kind: 'add', to: { kind: 'user', name: 'carol' } }, ctx).ok).toBe(false);
    expect(plan(s, 'alice', { kind: 'resume' }, ctx).ok).toBe(false);
  });

  it('hold then resume: once moved, no second move', () => {
    const held = ok(inbound(), 'alice', { kind: 'hold' }).state;
    expect(plan(held, 'alice', { kind: 'hold' }, ctx).ok).toBe(false);
    const resumed = ok(held, 'alice', { kind: 'resume' });
    expect(resumed.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(states(resumed.state)).toEqual({ '+12025550199': 'connected', alice: 'connected' });
    expect(ok(resumed.state, 'alice', { kind: 'hold' }).actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: true }]);
  });
});

describe('plan: callbacks', () => {
  it('blind transfer answered: the caller is taken off hold and talks to the target', () => {
    const s = dialed(ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'blind' }).state, 'p3', 'CAbob');
    const after = joined(s, 'CAbob');
    expect(after.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }, { kind: 'handover', to: { kind: 'user', name: 'bob' }, callSid: 'CAbob', by: 'alice' }]);
    expect(after.state.transfer).toBeNull();
    expect(states(after.state)).toEqual({ '+12025550199': 'connected', alice: 'left', bob: 'connected' });
    expect(liveCallFor(after.state, 'alice').ended).toBe(true);
    expect(liveCallFor(after.state, 'bob')).toMatchObject({ ended: false, legs: ['CAbob'] });
    // alice's own leave callback comes later and changes nothing.
    expect(left(after.state, 'CAchild', ctx).actions).toEqual([]);
  });

  it('blind transfer not answered: the call rings the first user again, and their answer resumes the caller', () => {
    const s = dialed(ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'blind' }).state, 'p3', 'CAbob');
    const back = left(s, 'CAbob', ctx);
    expect(back.actions).toEqual([{ kind: 'dial', party: 'p4', to: `client:alice?${TRANSFER_PARAMS.recall}=bob&${TRANSFER_PARAMS.caller}=%2B12025550199`, from: '+12025550199', label: 'p4' }]);
    expect(back.state.recall).toBe('p4');
    expect(liveCallFor(back.state, 'alice')).toMatchObject({ ended: false, legs: [] });
    const answered = joined(dialed(back.state, 'p4', 'CAalice2'), 'CAalice2');
    expect(answered.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(liveCallFor(answered.state, 'alice')).toMatchObject({ ended: false, legs: ['CAalice2'] });
    // Nobody takes the recall either: the caller is left alone and the call ends.
    const unanswered = left(dialed(back.state, 'p4', 'CAalice2'), 'CAalice2', ctx);
    expect(unanswered.actions).toEqual([{ kind: 'end' }]);
    expect(unanswered.state.over).toBe(true);
  });

  it('consult: the target answers, complete joins caller and target and drops the user', () => {
    const s = dialed(ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'consult' }).state, 'p3', 'CAbob');
    const talking = joined(s, 'CAbob').state;
    expect(talking.transfer).toMatchObject({ state: 'consulting', by: 'alice', to: 'bob' });
    expect(plan(talking, 'bob', { kind: 'complete' }, ctx).ok).toBe(false);
    const done = ok(talking, 'alice', { kind: 'complete' });
    expect(done.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }, { kind: 'remove', callSid: 'CAchild' }, { kind: 'handover', to: { kind: 'user', name: 'bob' }, callSid: 'CAbob', by: 'alice' }]);
    expect(states(done.state)).toEqual({ '+12025550199': 'connected', alice: 'left', bob: 'connected' });
    expect(left(done.state, 'CAchild', ctx).actions).toEqual([]);
  });

  it('consult: cancel drops the target and resumes the caller; a target who does not answer does the same', () => {
    const s = dialed(ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'consult' }).state, 'p3', 'CAbob');
    const cancelled = ok(s, 'alice', { kind: 'cancel' });
    expect(cancelled.actions).toEqual([{ kind: 'remove', callSid: 'CAbob' }, { kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(states(cancelled.state)).toEqual({ '+12025550199': 'connected', alice: 'connected', bob: 'left' });
    const noAnswer = left(s, 'CAbob', ctx);
    expect(noAnswer.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(noAnswer.state.transfer).toBeNull();
  });

  const threeWay = () => joined(dialed(ok(inbound(), 'alice', { kind: 'add', to: { kind: 'user', name: 'bob' } }).state, 'p3', 'CAbob'), 'CAbob').state;
  const leaves: { name: string; start: () => CallState; leg: string; end: boolean }[] = [
    { name: 'three-way: the added colleague leaves, the others talk on', start: threeWay, leg: 'CAbob', end: false },
    { name: 'three-way: the first user leaves, the colleague stays with the caller', start: threeWay, leg: 'CAchild', end: false },
    { name: 'three-way: the outside caller leaves, the two users talk on', start: threeWay, leg: 'CAparent', end: false },
    {
      name: 'the last team member leaves a call with two outside parties: it ends for all',
      start: () => joined(dialed(ok(inbound(), 'alice', { kind: 'add', to: { kind: 'phone', name: '+12025550111' } }).state, 'p3', 'CAnum'), 'CAnum').state,
      leg: 'CAchild', end: true,
    },
    { name: 'two left, one hangs up: it ends', start: () => ok(inbound(), 'alice', { kind: 'hold' }).state, leg: 'CAparent', end: true },
  ];
  for (const c of leaves) {
    it(c.name, () => {
      const out = left(c.start(), c.leg, ctx);
      expect(out.state.over).toBe(c.end);
      expect(out.actions).toEqual(c.end ? [{ kind: 'end' }] : []);
    });
  }

  it('callbacks are idempotent, and an ended call takes no requests', () => {
    const s = threeWay();
    expect(joined(s, 'CAbob').state).toBe(s);
    const once = left(s, 'CAbob', ctx).state;
    expect(left(once, 'CAbob', ctx).state).toBe(once);
    expect(plan(ended(s), 'alice', { kind: 'hold' }, ctx).ok).toBe(false);
    expect(liveCallFor(ended(s), 'bob').ended).toBe(true);
  });

  it('a participant Twilio would not dial: an add is forgotten, a consult resumes the caller, a blind transfer comes back', () => {
    const add = ok(inbound(), 'alice', { kind: 'add', to: { kind: 'phone', name: '+12025550111' } }).state;
    expect(states(notDialed(add, 'p3', ctx).state)).toEqual({ '+12025550199': 'connected', alice: 'connected', '+12025550111': 'left' });
    const consult = ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'consult' }).state;
    expect(notDialed(consult, 'p3', ctx).actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    const blind = ok(inbound(), 'alice', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'blind' }).state;
    expect(notDialed(blind, 'p3', ctx).state.recall).toBe('p4');
  });
});

describe('plan: parking a call to talk on another', () => {
  /** alice held the phone's call and parked it: her leg may now leave it. */
  const parked = () => ok(ok(inbound(), 'alice', { kind: 'hold' }).state, 'alice', { kind: 'park' }).state;
  const byId = (s: CallState) => Object.fromEntries(s.parties.map((p) => [p.id, `${p.name}:${p.state}:${p.callSid ?? '-'}`]));

  const refusals: { name: string; start: () => CallState; request: Request }[] = [
    { name: 'park a call not on hold', start: inbound, request: { kind: 'park' } },
    { name: 'unpark a call not parked', start: () => ok(inbound(), 'alice', { kind: 'hold' }).state, request: { kind: 'unpark' } },
    { name: 'park twice', start: parked, request: { kind: 'park' } },
    { name: 'hold a parked call', start: parked, request: { kind: 'hold' } },
    { name: 'hang up here on a call not parked', start: inbound, request: { kind: 'hangup' } },
  ];
  it.each(refusals)('$name is wrong_state', ({ start, request }) => {
    const out = plan(start(), 'alice', request, ctx);
    expect(out.ok).toBe(false);
  });

  it('parking asks nothing of Twilio; the leg leaving keeps the call, listed with no legs', () => {
    const out = ok(ok(inbound(), 'alice', { kind: 'hold' }).state, 'alice', { kind: 'park' });
    expect(out.actions).toEqual([]);
    const gone = left(out.state, 'CAchild', ctx);
    expect(gone.actions).toEqual([]);
    expect(byId(gone.state)).toEqual({ p1: '+12025550199:held:CAparent', p2: 'alice:parked:-' });
    expect(liveCallFor(gone.state, 'alice')).toMatchObject({ legs: [], ended: false });
  });

  it('the held caller hanging up ends a parked call', () => {
    const gone = left(left(parked(), 'CAchild', ctx).state, 'CAparent', ctx);
    expect(gone.state.over).toBe(true);
    expect(gone.actions).toEqual([{ kind: 'end' }]);
    expect(liveCallFor(gone.state, 'alice').ended).toBe(true);
  });

  it('hanging up on a parked call ends it for a caller waiting alone', () => {
    const out = ok(left(parked(), 'CAchild', ctx).state, 'alice', { kind: 'hangup' });
    expect(out.actions).toEqual([{ kind: 'end' }]);
    expect(out.state.over).toBe(true);
    expect(liveCallFor(out.state, 'alice').ended).toBe(true);
    // Its leg never left: that leg is removed too.
    expect(ok(parked(), 'alice', { kind: 'hangup' }).actions).toEqual([{ kind: 'remove', callSid: 'CAchild' }, { kind: 'end' }]);
  });

  it('hanging up on a parked three-way call leaves the other two talking', () => {
    const added = joined(dialed(ok(inbound(), 'alice', { kind: 'add', to: { kind: 'user', name: 'bob' } }).state, 'p3', 'CAbob'), 'CAbob').state;
    const away = left(ok(ok(added, 'alice', { kind: 'hold' }).state, 'alice', { kind: 'park' }).state, 'CAchild', ctx).state;
    const out = ok(away, 'alice', { kind: 'hangup' });
    expect(out.state.over).toBe(false);
    expect(states(out.state)).toEqual({ '+12025550199': 'connected', alice: 'left', bob: 'connected' });
    expect(out.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }, { kind: 'hold', callSid: 'CAbob', hold: false }]);
    expect(plan(ok(away, 'alice', { kind: 'unpark' }).state, 'alice', { kind: 'hangup' }, ctx).ok).toBe(false);
  });

  it('unpark with the leg still there takes the caller off hold', () => {
    const out = ok(parked(), 'alice', { kind: 'unpark' });
    expect(out.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(byId(out.state)).toEqual({ p1: '+12025550199:connected:CAparent', p2: 'alice:connected:CAchild' });
  });

  it('unpark rings the user back with resumeCall; answering brings the caller back', () => {
    const out = ok(left(parked(), 'CAchild', ctx).state, 'alice', { kind: 'unpark' });
    expect(out.actions).toEqual([{ kind: 'dial', party: 'p3', to: 'client:alice?resumeCall=7', from: '+12025550199', label: 'p3' }]);
    expect(plan(out.state, 'alice', { kind: 'unpark' }, ctx).ok).toBe(false);
    const back = joined(dialed(out.state, 'p3', 'CAback'), 'CAback');
    expect(back.actions).toEqual([{ kind: 'hold', callSid: 'CAparent', hold: false }]);
    expect(byId(back.state)).toEqual({ p1: '+12025550199:connected:CAparent', p2: 'alice:left:-', p3: 'alice:connected:CAback' });
    expect(liveCallFor(back.state, 'alice').legs).toEqual(['CAback']);
  });

  it('a ring-back nobody answers leaves the call parked, to be tried again', () => {
    const out = ok(left(parked(), 'CAchild', ctx).state, 'alice', { kind: 'unpark' });
    const missed = left(dialed(out.state, 'p3', 'CAback'), 'CAback', ctx);
    expect(missed.state.over).toBe(false);
    expect(missed.state.recall).toBeNull();
    expect(byId(missed.state)).toMatchObject({ p2: 'alice:parked:-', p3: 'alice:left:CAback' });
    expect(plan(missed.state, 'alice', { kind: 'unpark' }, ctx).ok).toBe(true);
  });
});
