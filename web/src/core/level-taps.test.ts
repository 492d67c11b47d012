import { describe, expect, it } from 'vitest';
import { LevelTaps } from './level-taps';
import { fakeEnv } from './testing/fake-env';
import { FakeLevelTaps, fakeStream } from './testing/fake-level-taps';
import { answeredCall, flush, signedIn } from './testing/phone-harness';

function taps() {
  const env = fakeEnv();
  const port = new FakeLevelTaps();
  return { env, port, taps: new LevelTaps(port, env) };
}

describe('LevelTaps', () => {
  it('measures a stream only while a meter shows it, and hands each meter its own port', () => {
    const { port, taps: t } = taps();
    t.follow({ input: fakeStream('mic'), output: fakeStream('far') });
    expect(port.opened).toEqual([]);
    const ports: string[] = [];
    const stop = t.subscribe('input', (p) => void ports.push((p as unknown as { name: string }).name));
    expect(port.live()).toEqual(['mic']);
    expect(ports).toEqual(['port-mic-1']);
    stop();
    expect(port.opened[0]!.closed).toBe(true);
    expect(port.opened[0]!.links[0]!.closed).toBe(true);
    expect(t.measuring()).toEqual([]);
  });

  it('follows a new microphone (a new track) and says when a stream’s levels stop', () => {
    const { port, taps: t } = taps();
    const events: string[] = [];
    t.subscribe('input', (p) => {
      const name = (p as unknown as { name: string }).name;
      events.push(`start ${name}`);
      return () => events.push(`stop ${name}`);
    });
    const mic = fakeStream('mic');
    t.follow({ input: mic });
    t.follow({ input: mic }); // the same track again: nothing new
    t.follow({ input: fakeStream('headset') });
    t.follow({});
    expect(events).toEqual(['start port-mic-1', 'stop port-mic-1', 'start port-headset-1', 'stop port-headset-1']);
    expect(port.opened.map((tap) => [tap.trackId, tap.closed])).toEqual([
      ['mic', true],
      ['headset', true],
    ]);
  });

  it('posts nothing while the page is hidden, and measures again when it shows', () => {
    const { env, port, taps: t } = taps();
    t.subscribe('output', () => undefined);
    t.follow({ output: fakeStream('far') });
    const tap = port.opened[0]!;
    env.hidden = true;
    env.fire('document', 'visibilitychange');
    expect(tap.paused).toBe(true);
    env.hidden = false;
    env.fire('document', 'visibilitychange');
    expect(tap.paused).toBe(false);
    // A stream first measured while hidden starts paused.
    env.hidden = true;
    env.fire('document', 'visibilitychange');
    t.subscribe('input', () => undefined);
    t.follow({ input: fakeStream('mic'), output: fakeStream('far') });
    expect(port.opened[1]!.paused).toBe(true);
    t.dispose();
    expect(port.live()).toEqual([]);
    expect(env.listenerCount()).toBe(0);
  });
});

describe('PhoneController: meters measured off the main thread', () => {
  it('measures the answered call’s microphone and far end, not the SDK’s volume events, until the call ends', async () => {
    const port = new FakeLevelTaps();
    const t = await signedIn({ levelTaps: port });
    const seen: string[] = [];
    t.controller.onLevelPort('input', () => void seen.push('input'));
    t.controller.onLevelPort('output', () => void seen.push('output'));
    const levels: number[] = [];
    t.controller.onVolume((input) => levels.push(input));
    expect(port.opened).toEqual([]);

    const call = await answeredCall(t);
    // The SDK had the streams by then in a browser; here they come after, with the next change.
    call.localStream = fakeStream('mic');
    call.remoteStream = fakeStream('far');
    call.emit('mute', false, call);
    await flush();
    expect(port.live().sort()).toEqual(['far', 'mic']);
    expect(seen.sort()).toEqual(['input', 'output']);
    expect(call.listenerCount('volume')).toBe(0);
    call.emit('volume', 0.5, 0.5);
    expect(levels).toEqual([]);

    call.disconnect();
    await flush();
    expect(port.live()).toEqual([]);
  });

  it('measures the settings’ microphone preview, without the SDK polling it for levels', async () => {
    const port = new FakeLevelTaps();
    const t = await signedIn({ levelTaps: port });
    t.controller.onLevelPort('input', () => undefined);
    t.device().audio.inputStream = fakeStream('mic');
    await t.controller.startInputPreview();
    expect(port.live()).toEqual(['mic']);
    expect(t.device().audio.listenerCount('inputVolume')).toBe(0);
    await t.controller.stopInputPreview();
    expect(port.live()).toEqual([]);
  });

  it('has no ports to give without taps: meters use the SDK’s levels (onVolume)', async () => {
    const t = await signedIn();
    expect(t.controller.onLevelPort('input', () => undefined)).toBeNull();
  });
});
