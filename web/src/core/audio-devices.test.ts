import { describe, expect, it } from 'vitest';
import { fakeEnv } from './testing/fake-env';
import { incoming, outgoing, signedIn } from './testing/phone-harness';

describe('PhoneController: audio devices', () => {
  it('remembers choices across reloads and applies them to the next Device', async () => {
    const store = new Map<string, string>();
    const t = await signedIn({ env: fakeEnv({ store }) });
    await t.controller.setAudioPref('speaker', 'headset');
    await t.controller.setAudioPref('ringtone', 'headset');
    expect([...t.device().audio.speakerDevices.selected]).toEqual(['headset']);
    const again = await signedIn({ env: fakeEnv({ store }) });
    expect(again.controller.getAudioDevices().prefs).toMatchObject({ speaker: 'headset', ringtone: 'headset' });
    expect([...again.device().audio.ringtoneDevices.selected]).toEqual(['headset']);
  });

  it('tells the person when a device in use is unplugged', async () => {
    const t = await signedIn();
    t.device().audio.emit('deviceChange', [{ deviceId: 'headset', label: 'Headset' }]);
    expect(t.controller.getSnapshot().notice).toEqual({ kind: 'deviceLost', label: 'Headset' });
  });

  it('opens the microphone for the level meter and closes it afterwards', async () => {
    const t = await signedIn();
    const levels: number[] = [];
    t.controller.onVolume((i) => levels.push(i));
    await t.controller.startInputPreview();
    expect(t.device().audio.inputDevice?.deviceId).toBe('default');
    t.device().audio.emit('inputVolume', 0.5);
    expect(levels).toEqual([0.5]);
    await t.controller.stopInputPreview();
    expect(t.device().audio.inputDevice).toBeNull();
  });

  it('runs the SDK’s AudioContext only during a call or the preview, so ended calls’ audio nodes can go', async () => {
    const t = await signedIn();
    // Registered and idle: rested.
    expect(t.audioContext.changes).toEqual(['suspend']);
    const out = await outgoing(t);
    expect(t.audioContext.state).toBe('running');
    out.emit('accept', out);
    out.emit('disconnect', out);
    expect(t.audioContext.state).toBe('suspended');
    const ringing = await incoming(t);
    expect(t.audioContext.state).toBe('suspended'); // ringtones play through audio elements
    await t.controller.accept();
    expect(t.audioContext.state).toBe('running');
    ringing.emit('accept', ringing);
    // The preview opened and closed during a call leaves the context to the call.
    await t.controller.startInputPreview();
    await t.controller.stopInputPreview();
    expect(t.audioContext.state).toBe('running');
    ringing.emit('disconnect', ringing);
    expect(t.audioContext.state).toBe('suspended');
    await t.controller.startInputPreview();
    expect(t.audioContext.state).toBe('running');
    await t.controller.stopInputPreview();
    expect(t.audioContext.changes).toEqual(['suspend', 'resume', 'suspend', 'resume', 'suspend', 'resume', 'suspend']);
  });

  it('asks the SDK to play its sounds through audio elements, not the AudioContext it rests', async () => {
    const t = await signedIn();
    expect(t.device().options).toMatchObject({ disableAudioContextSounds: true });
  });
});
