import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { FakeCall } from './testing/fake-device';
import { answeredCall, flush, incoming, outgoing, signedIn } from './testing/phone-harness';

// Call control through the controller: the fake server's answers and live-call events move the calls.

type T = Awaited<ReturnType<typeof signedIn>>;

/** Alice in an answered call with +12025550123 (leg CA1, history id h1). */
const inCall = answeredCall;

/** A second call arriving during the first (leg CA2, history id h2). */
function waitingCall(t: T, params: Record<string, string> = {}) {
  t.api.control.addCall('h2', 'CA2', '+12025550199');
  const call = new FakeCall({ CallSid: 'CA2', From: '+12025550199', To: 'client:alice', ...params });
  t.device().emit('incoming', call);
  return call;
}

const phone = (t: T) => t.controller.getSnapshot().phone;

describe('call control', () => {
  it('learns the history id of a call once it is answered', async () => {
    const t = await signedIn();
    await inCall(t);
    expect(phone(t).call?.control?.historyId).toBe('h1');
  });

  it('holds and resumes the call in focus, and says so', async () => {
    const t = await signedIn();
    await inCall(t);
    expect(await t.controller.control.hold()).toBeNull();
    expect(phone(t).call?.control?.held).toBe(true);
    expect(await t.controller.control.resume()).toBeNull();
    expect(phone(t).call?.control?.held).toBe(false);
    expect(t.api.control.requests).toEqual(['hold h1', 'resume h1']);
    expect(phone(t).status).toBe('inCall');
  });

  it('asks the server for the call first when it has not said which one it is', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    Object.assign(call.parameters, { CallSid: 'CA7' });
    t.api.control.calls = [];
    call.emit('accept', call);
    await flush();
    expect(phone(t).call?.control).toBeNull();
    t.api.control.addCall('h7', 'CA7', '+12025550123');
    expect(await t.controller.control.hold()).toBeNull();
    expect(t.api.control.requests).toEqual(['hold h7']);
  });

  it('returns the server’s sentence when it refuses, and leaves the call as it was', async () => {
    const t = await signedIn();
    await inCall(t);
    t.api.control.error = new ApiError('Twilio refused to change the call.', 502, 'twilio_refused');
    expect(await t.controller.control.hold()).toBe('Twilio refused to change the call.');
    expect(phone(t).call?.control?.held).toBe(false);
    expect(t.controller.log.getView().entries.at(-1)?.text).toMatch(/Holding the call failed/);
  });

  it('transfers blind or consult-first, completes and cancels', async () => {
    const t = await signedIn();
    await inCall(t);
    expect(await t.controller.control.transfer('bob', 'consult')).toBeNull();
    expect(phone(t).call?.control?.transfer).toMatchObject({ to: 'bob', mode: 'consult', by: 'alice' });
    expect(await t.controller.control.cancelTransfer()).toBeNull();
    expect(phone(t).call?.control?.transfer).toBeNull();
    expect(await t.controller.control.transfer('+12025550142', 'blind')).toBeNull();
    expect(t.api.control.requests).toEqual(['transfer h1 bob consult', 'cancel h1', 'transfer h1 +12025550142 blind']);
  });

  it('the headset’s Flash holds and resumes', async () => {
    const t = await signedIn();
    await inCall(t);
    await t.controller.control.holdOrResume();
    expect(phone(t).call?.control?.held).toBe(true);
    await t.controller.control.holdOrResume();
    expect(phone(t).call?.control?.held).toBe(false);
    expect(t.api.control.requests).toEqual(['hold h1', 'resume h1']);
  });

  it('adds a person, who shows among the parties', async () => {
    const t = await signedIn();
    await inCall(t);
    expect(await t.controller.control.addPerson('bob')).toBeNull();
    expect(phone(t).call?.control?.parties.map((p) => `${p.name}:${p.state}`)).toEqual(['alice:connected', '+12025550123:connected', 'bob:ringing']);
  });

  it('follows live-call events for its own legs only', async () => {
    const t = await signedIn();
    await inCall(t);
    const live = { ...t.api.control.list().items[0]! };
    t.events.push({ type: 'live-call', liveCall: { ...live, parties: live.parties.map((p) => (p.name === 'alice' ? { ...p, state: 'held' as const } : p)) } });
    t.events.push({ type: 'live-call', liveCall: { ...live, id: 'h9', legs: ['CA9'], parties: [] } });
    await flush();
    expect(phone(t).call?.control).toMatchObject({ historyId: 'h1', onHold: true, held: false });
    expect(phone(t).call?.control?.parties).toHaveLength(2);
  });
});

describe('call waiting', () => {
  it('shows a second call as waiting instead of ignoring it', async () => {
    const t = await signedIn();
    await inCall(t);
    const second = waitingCall(t);
    expect(phone(t).waiting?.peer).toBe('+12025550199');
    expect(phone(t).status).toBe('inCall');
    expect(second.actions).toEqual([]);
  });

  it('End & accept hangs up the call in progress, then answers the waiting one', async () => {
    const t = await signedIn();
    const first = await inCall(t);
    const second = waitingCall(t);
    t.controller.control.endAndAccept();
    await flush();
    expect(first.actions).toEqual(['accept', 'disconnect']);
    expect(second.actions).toEqual(['accept']);
    second.emit('accept', second);
    await flush();
    expect(phone(t)).toMatchObject({ status: 'inCall', waiting: null, background: null });
    expect(phone(t).call?.peer).toBe('+12025550199');
    expect(phone(t).call?.control?.historyId).toBe('h2');
  });

  it('Decline rejects the waiting call and keeps the one in progress', async () => {
    const t = await signedIn();
    await inCall(t);
    const second = waitingCall(t);
    t.controller.control.declineWaiting();
    expect(second.actions).toEqual(['reject']);
    expect(phone(t).waiting).toBeNull();
    expect(phone(t).call?.peer).toBe('+12025550123');
  });

  it('ignores a third call', async () => {
    const t = await signedIn();
    await inCall(t);
    waitingCall(t);
    const third = new FakeCall({ CallSid: 'CA3', From: '+12025550177' });
    t.device().emit('incoming', third);
    expect(third.actions).toEqual(['ignore']);
  });

  it('shows who is transferring a ringing call', async () => {
    const t = await signedIn();
    const call = new FakeCall({ CallSid: 'CA5', From: 'client:bob' });
    Object.assign(call, { customParameters: new Map([['transferredBy', 'bob'], ['transferredCaller', '+12025550123']]) });
    t.device().emit('incoming', call);
    expect(phone(t).call?.offer).toEqual({ by: 'bob', caller: '+12025550123', recalledFrom: null });
  });
});
