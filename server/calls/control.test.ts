/**
 * Two replicas' CallControl over one event path (the outbox, here a fake that delivers each live-call
 * event to both, as LISTEN/NOTIFY does): a call moved by one is known to the other, whose <Dial> action
 * answer follows it into the room, and whose requests and callbacks carry on from the same state.
 */
import { describe, expect, it } from 'vitest';
import type { LiveCall } from '../../contracts/api/call-control';
import type { HubEvent } from '../events/hub';
import { CallControl } from './control';
import type { CallState } from './plan';
import type { LiveCallStore, PlainCall } from './repository';
import type { ConferenceApi } from './twilio-conferences';
import { eventually } from '../../test-support/wait';

const PLAIN: PlainCall = {
  id: '41',
  callSid: 'CAparent',
  caller: { kind: 'phone', name: '+14155550123', callSid: 'CAparent' },
  callee: { kind: 'user', name: 'alice', callSid: 'CAchild' },
};
const quiet = { info() {}, warn() {} };

function replicas() {
  const controls: CallControl[] = [];
  const done: string[] = [];
  const seen: Record<string, LiveCall>[] = [];
  let id = 0;
  const store: LiveCallStore = {
    plainCall: async (callId) => (callId === PLAIN.id ? PLAIN : undefined),
    movedCall: async () => undefined,
    openCallsOf: async (user) => (user === 'alice' ? [PLAIN] : []),
    async recordHandover(_callSid, to, _leg, by) {
      done.push(`answered by ${to.name} (from ${by})`);
    },
    async recordConference(_callSid, params, party) {
      done.push(`kept ${params.StatusCallbackEvent} ${party}`);
    },
    async publish(liveCalls, state: CallState) {
      seen.push(liveCalls);
      const event: HubEvent = { id: ++id, type: 'live-call', audience: Object.keys(liveCalls), payload: { liveCalls, state } };
      for (const c of controls) c.event(JSON.parse(JSON.stringify(event)) as HubEvent);
    },
  };
  const api = (name: string): ConferenceApi => ({
    async redirect(callSid) {
      done.push(`${name} redirect ${callSid}`);
      // Twilio asks the caller's <Dial> action: here it reaches the other replica.
      done.push(`B routes the caller to ${controls[1]!.roomForParent('CAparent') ?? 'nowhere'}`);
    },
    seated: async () => 'CF1',
    async hold(_c, callSid, hold) {
      done.push(`${name} ${hold ? 'hold' : 'unhold'} ${callSid}`);
    },
    dialIn: async () => 'CAbob',
    async remove(_c, callSid) {
      done.push(`${name} remove ${callSid}`);
    },
    async end() {
      done.push(`${name} end`);
    },
  });
  for (const name of ['A', 'B']) {
    controls.push(new CallControl({ api: api(name), store, teamNumber: '+12025550100', ringSeconds: 20, joinTwiml: (room) => room, log: quiet }));
  }
  return { a: controls[0]!, b: controls[1]!, done, seen };
}

describe('call control across replicas', () => {
  it('a call held on one replica is resumed, transferred and ended through the other', async () => {
    const { a, b, done } = replicas();
    const held = await a.request('alice', '41', { kind: 'hold' });
    expect(held).toMatchObject({ ok: true, liveCall: { conference: true } });
    const room = done[1]!.replace('B routes the caller to ', '');
    expect(room).toMatch(/^call-[0-9a-f]{24}$/);
    expect(done.splice(0)).toEqual(['A redirect CAchild', `B routes the caller to ${room}`, 'A hold CAparent']);

    expect(await b.live('alice')).toMatchObject([{ id: '41', conference: true, legs: ['CAchild'] }]);
    expect(await b.request('alice', '41', { kind: 'resume' })).toMatchObject({ ok: true });
    expect(done.splice(0)).toEqual(['B unhold CAparent']);
    expect(await b.request('bob', '41', { kind: 'hold' })).toMatchObject({ ok: false, status: 404 });

    // A consult transfer from A; the target's join reaches B; complete on A.
    expect(await a.request('alice', '41', { kind: 'transfer', to: { kind: 'user', name: 'bob' }, mode: 'consult' })).toMatchObject({ ok: true });
    await b.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-join', CallSid: 'CAbob' });
    expect(await a.live('bob')).toMatchObject([{ transfer: { state: 'consulting' }, legs: ['CAbob'] }]);
    expect(await a.request('alice', '41', { kind: 'complete' })).toMatchObject({ ok: true, liveCall: { ended: true } });
    expect(done.splice(0)).toEqual(['A hold CAparent', 'kept participant-join client:bob', 'A unhold CAparent', 'A remove CAchild', 'answered by bob (from alice)']);
    await b.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: 'CAparent' });
    expect(done).toEqual(['kept participant-leave +14155550123', 'B end']);
    expect(await a.live('bob')).toEqual([]);
  });

  it('an older state from the event path never replaces a newer one', async () => {
    const { a, b, seen } = replicas();
    await a.request('alice', '41', { kind: 'hold' });
    const stale = { ...(JSON.parse(JSON.stringify(seen[0])) as Record<string, LiveCall>) };
    b.event({ id: 1, type: 'live-call', audience: ['alice'], payload: { liveCalls: stale, state: { id: '41', version: 0 } } });
    expect(await b.live('alice')).toMatchObject([{ conference: true, parties: [{ state: 'held' }, { state: 'connected' }] }]);
  });

  it('a parked call outlives its user\'s leg on either replica, rings them back, and ends with its caller', async () => {
    const { a, b, done } = replicas();
    await a.request('alice', '41', { kind: 'hold' });
    const room = done[1]!.replace('B routes the caller to ', '');
    expect(await a.request('alice', '41', { kind: 'park' })).toMatchObject({ ok: true, liveCall: { parties: [{ state: 'held' }, { state: 'parked' }] } });
    // The browser answered another call: the Voice SDK hung up this leg.
    await b.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: 'CAchild' });
    expect(await a.live('alice')).toMatchObject([{ id: '41', legs: [], ended: false, parties: [{ state: 'held' }, { state: 'parked' }] }]);
    done.splice(0);
    expect(await b.request('alice', '41', { kind: 'unpark' })).toMatchObject({ ok: true });
    // The stand-in answers every dial with CAbob: here it is alice's ring-back leg.
    await a.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-join', CallSid: 'CAbob' });
    expect(done.splice(0)).toEqual(['kept participant-join client:alice', 'A unhold CAparent']);
    expect(await b.live('alice')).toMatchObject([{ legs: ['CAbob'], parties: [{ state: 'connected' }, { state: 'left' }, { state: 'connected' }] }]);
    expect(await b.request('alice', '41', { kind: 'hold' })).toMatchObject({ ok: true });
    expect(await b.request('alice', '41', { kind: 'park' })).toMatchObject({ ok: true });
    await a.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: 'CAbob' });
    await a.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: 'CAparent' });
    expect(done.splice(0)).toEqual(['B hold CAparent', 'kept participant-leave client:alice', 'kept participant-leave +14155550123', 'A end']);
    expect(await b.live('alice')).toEqual([]);
  });

  it('a call the history closed (its conference end healed from Twilio) is ended on every replica that has it live', async () => {
    const { a, b, seen } = replicas();
    await a.request('alice', '41', { kind: 'hold' });
    const announced = seen.length;
    const call = (endedAt: string | null): HubEvent => ({ id: 99, type: 'call', audience: null, payload: { call: { id: '41', endedAt } } });
    a.event(call(null));
    expect(await a.live('alice')).toHaveLength(1);
    for (const c of [a, b]) c.event(call('2026-12-01T06:00:00.000Z'));
    await eventually(async () => expect(await b.live('alice')).toEqual([]), 'the call gone on B');
    expect(await a.live('alice')).toEqual([]);
    // One replica announces the end to the browsers; the other adopts it, or finds it over already.
    expect(seen.slice(announced).map((v) => v.alice?.ended)).toContain(true);
  });

  it('hanging up a parked call ends the conference: its caller waiting alone is released', async () => {
    const { a, b, done } = replicas();
    await a.request('alice', '41', { kind: 'hold' });
    const room = done[1]!.replace('B routes the caller to ', '');
    await a.request('alice', '41', { kind: 'park' });
    await b.conferenceEvent({ FriendlyName: room, StatusCallbackEvent: 'participant-leave', CallSid: 'CAchild' });
    done.splice(0);
    expect(await b.request('alice', '41', { kind: 'hangup' })).toMatchObject({ ok: true, liveCall: { ended: true } });
    expect(done.splice(0)).toEqual(['B end']);
    expect(await a.live('alice')).toEqual([]);
  });
});
