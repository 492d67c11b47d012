import { describe, expect, it } from 'vitest';
import { CallSession, type CallHost } from './call-session';
import { LevelFeed } from './levels';
import { LogStore } from './log';
import type { PhoneEvent, Problem, Status } from './state';
import { FakeCall } from './testing/fake-device';
import { fakeEnv } from './testing/fake-env';
import { incoming, outgoing, signedIn, twilioError } from './testing/phone-harness';

describe('PhoneController: incoming calls', () => {
  it('rings, accepts, runs, mutes, sends digits and hangs up', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    expect(t.controller.getSnapshot().phone.call).toMatchObject({ direction: 'incoming', peer: '+12025550123' });
    expect(t.status()).toBe('incoming');
    await t.controller.accept();
    expect(call.actions).toContain('accept');
    t.env.time = 5_000;
    call.emit('accept', call);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'inCall', call: { startedAt: 5_000 } });
    t.controller.toggleMute();
    expect(t.controller.getSnapshot().phone.call?.muted).toBe(true);
    t.controller.toggleMute();
    expect(t.controller.getSnapshot().phone.call?.muted).toBe(false);
    t.controller.sendDigits('1');
    expect(call.sentDigits).toEqual(['1']);
    // Keys pressed while a tone plays are sent together once it is done, never replacing it.
    t.controller.sendDigits('9');
    t.controller.sendDigits('#');
    expect(call.sentDigits).toEqual(['1']);
    t.env.runTimers();
    expect(call.sentDigits).toEqual(['1', '9#']);
    t.env.runTimers();
    t.controller.sendDigits('0');
    expect(call.sentDigits).toEqual(['1', '9#', '0']);
    t.controller.hangUp();
    expect(call.actions).toContain('disconnect');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', call: null, problem: null });
  });

  it('rejects', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    t.controller.reject();
    expect(call.actions).toEqual(['reject']);
    expect(t.status()).toBe('ready');
  });

  it('ignores: stops ringing here without rejecting', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    t.controller.ignore();
    expect(call.actions).toEqual(['ignore']);
    expect(t.status()).toBe('ready');
  });

  it('closes the dialog when the caller cancels', async () => {
    const t = await signedIn();
    const call = await incoming(t);
    call.emit('cancel');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: null });
  });

  it('uses the chosen microphone for the call', async () => {
    const t = await signedIn();
    await t.controller.setAudioPref('input', 'headset-mic');
    await incoming(t);
    await t.controller.accept();
    expect(t.device().audio.inputDevice?.deviceId).toBe('headset-mic');
  });

  it('notifies once when the tab is hidden and notifications are allowed', async () => {
    const t = await signedIn();
    t.env.permission = 'granted';
    t.env.hidden = true;
    const call = await incoming(t);
    expect(t.env.notifications).toEqual([{ title: 'Call from +12025550123', body: 'Answer in the softphone', closed: false }]);
    call.emit('cancel');
    expect(t.env.notifications[0]?.closed).toBe(true);
  });

  it('does not notify a visible tab', async () => {
    const t = await signedIn();
    t.env.permission = 'granted';
    await incoming(t);
    expect(t.env.notifications).toHaveLength(0);
  });
});

describe('PhoneController: outgoing calls', () => {
  it('dials, rings, connects and hangs up', async () => {
    const t = await signedIn();
    const call = await outgoing(t, 'client:bob');
    expect(t.device().connects).toEqual([{ To: 'client:bob' }]);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'dialing', call: { direction: 'outgoing', peer: 'client:bob' } });
    call.emit('ringing', false);
    expect(t.status()).toBe('ringing');
    call.emit('accept', call);
    expect(t.status()).toBe('inCall');
    call.emit('disconnect', call);
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: null });
  });

  it('says busy when the gateway answers 31486', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('ringing', false);
    call.emit('error', twilioError(31486, 'Busy Here'));
    call.emit('disconnect', call);
    expect(t.controller.getSnapshot().phone.problem?.reason).toBe('busy');
  });

  it('says no answer when the call ends before it was answered', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('ringing', false);
    call.emit('disconnect', call);
    await Promise.resolve();
    expect(t.controller.getSnapshot().phone.problem?.reason).toBe('noAnswer');
  });

  it('says the microphone is blocked when the SDK closes the call first and explains it right after', async () => {
    // Voice SDK order when getUserMedia is denied: _disconnect() (→ 'disconnect'), then 'error' 31401.
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('disconnect', call);
    call.emit('error', twilioError(31401, 'Permission denied'));
    await Promise.resolve();
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('says the microphone is blocked when connect fails with 31401', async () => {
    const t = await signedIn();
    t.device().connectError = twilioError(31401, 'Permission denied');
    await t.controller.dial('+12025550123');
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('ends a call that errors and closes without a disconnect event', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.setStatus('closed');
    call.emit('error', Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    expect(t.status()).toBe('dialing');
    t.env.runTimers();
    expect(t.controller.getSnapshot().phone).toMatchObject({ status: 'ready', problem: { reason: 'micBlocked' } });
  });

  it('hangs up a call that is still being set up', async () => {
    const t = await signedIn();
    const call = new FakeCall({});
    t.device().nextCall = call;
    const dialing = t.controller.dial('+12025550123');
    t.controller.hangUp();
    expect(t.status()).toBe('ready');
    await dialing;
    expect(call.actions).toEqual(['disconnect']);
  });

  it('shows reconnecting and recovers', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('accept', call);
    call.emit('reconnecting', twilioError(53405, 'Media connection failed'));
    expect(t.status()).toBe('reconnecting');
    call.emit('reconnected');
    expect(t.status()).toBe('inCall');
  });

  it('shows quality warnings while they last', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    call.emit('accept', call);
    call.emit('warning', 'high-packet-loss', {});
    expect(t.controller.getSnapshot().phone.call?.warnings).toEqual(['high-packet-loss']);
    call.emit('warning-cleared', 'high-packet-loss');
    expect(t.controller.getSnapshot().phone.call?.warnings).toEqual([]);
  });

  it('passes call volume to meters without touching the snapshot', async () => {
    const t = await signedIn();
    const call = await outgoing(t);
    const seen: number[][] = [];
    t.controller.onVolume((i, o) => seen.push([i, o]));
    const before = t.controller.getSnapshot();
    call.emit('volume', 0.3, 0.6);
    expect(seen).toEqual([[0.3, 0.6]]);
    expect(t.controller.getSnapshot()).toBe(before);
  });

  it('ignores dialing when not ready', async () => {
    const t = await signedIn();
    await outgoing(t);
    await t.controller.dial('+12025550999');
    expect(t.device().connects).toHaveLength(1);
  });
});

describe('CallSession on its own', () => {
  function session(status: Status | null = 'inCall') {
    const env = fakeEnv();
    const events: PhoneEvent[] = [];
    const ended: Array<Problem | null> = [];
    const host: CallHost = {
      log: new LogStore(),
      env,
      levels: new LevelFeed(env),
      dispatch: (event) => events.push(event),
      statusOf: () => status,
      answered: () => undefined,
      ended: (_s, problem) => ended.push(problem),
    };
    return { s: new CallSession('call-7', 'incoming', host), env, events, ended };
  }

  it('reports its end once, lets go of the SDK call and sends no more digits', () => {
    const { s, events, ended } = session();
    const call = new FakeCall({ CallSid: 'CA7', From: '+12025550123' });
    s.attach(call);
    expect([s.callSid, s.from]).toEqual(['CA7', '+12025550123']);
    call.emit('accept', call);
    expect(events).toEqual([{ type: 'accepted', id: 'call-7', at: 1_000 }]);
    call.emit('disconnect', call);
    call.emit('disconnect', call);
    expect(ended).toEqual([null]);
    expect(s.attached).toBe(false);
    s.sendDigits('5');
    expect(call.sentDigits).toEqual([]);
  });

  it('sends digits only while the state machine says the call is up', () => {
    const { s } = session('reconnecting');
    const call = new FakeCall({});
    s.attach(call);
    s.sendDigits('1');
    expect(call.sentDigits).toEqual([]);
  });

  it('ends without an SDK call when hung up before the SDK handed one over', () => {
    const { s, ended } = session('dialing');
    s.hangUp();
    expect(ended).toEqual([null]);
  });
});
