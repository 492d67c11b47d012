import { describe, expect, it } from 'vitest';
import { readWav } from '../../test-support/audio-analysis';
import { ToneGenerator } from '../media/synth';
import { buildWav } from '../media/wav';
import { recordingStatusParams } from './params';
import { parseRange } from './range';
import { frameIsSilent, Recorder, voicedSpan } from './recorder';
import { RecordingStore } from './store';

const FRAME = 160;
const tone = (frames: number, hz = 440, amplitude = 0.3): Int16Array => {
  const out = new Int16Array(frames * FRAME);
  new ToneGenerator({ frequencies: [hz], amplitude }).render(out);
  return out;
};
const silence = (frames: number) => new Int16Array(frames * FRAME);
const frames = (samples: Int16Array) => Array.from({ length: samples.length / FRAME }, (_, i) => samples.subarray(i * FRAME, (i + 1) * FRAME));

/** Feeds one frame per tick, as a steady caller does; returns the tick that stopped the recorder. */
function run(recorder: Recorder, audio: Int16Array, extraTicks = 0): { stop: string | null; ticks: number } {
  let ticks = 0;
  for (const f of frames(audio)) {
    recorder.hear(f);
    ticks++;
    const stop = recorder.tick();
    if (stop) return { stop, ticks };
  }
  for (let i = 0; i < extraTicks; i++) {
    ticks++;
    const stop = recorder.tick();
    if (stop) return { stop, ticks };
  }
  return { stop: null, ticks };
}

describe('silence detection', () => {
  it.each([
    ['digital silence', silence(1), true],
    ['a -60 dBFS hum', tone(1, 300, 0.0015), true],
    ['a quiet voice at -35 dBFS', tone(1, 300, 0.025), false],
    ['a tone', tone(1), false],
  ])('%s is silent: %s', (_name, frame, silent) => {
    expect(frameIsSilent(frame)).toBe(silent);
  });

  it('finds the voiced span to the frame', () => {
    expect(voicedSpan(silence(10))).toBeNull();
    const audio = new Int16Array(10 * FRAME);
    audio.set(tone(3), 2 * FRAME);
    expect(voicedSpan(audio)).toEqual({ start: 2 * FRAME, end: 5 * FRAME });
  });
});

describe('Recorder', () => {
  it('stops at maxLength with exactly that much audio', () => {
    const r = new Recorder({ maxSeconds: 2, silenceSeconds: 5 });
    expect(run(r, tone(150))).toEqual({ stop: 'max-length', ticks: 100 });
    expect(r.result(true).samples.length).toBe(16000);
  });

  it('stops after `timeout` seconds of silence and trims it away', () => {
    const r = new Recorder({ maxSeconds: 60, silenceSeconds: 1 });
    const audio = new Int16Array(400 * FRAME);
    audio.set(tone(50), 25 * FRAME);
    // Half a second of silence, one second of voice, then one second of silence ends it.
    expect(run(r, audio)).toEqual({ stop: 'silence', ticks: 125 });
    const kept = r.result(true);
    expect(kept).toMatchObject({ voiced: true });
    expect(kept.samples.length).toBe(50 * FRAME);
    expect(r.result(false).samples.length).toBe(125 * FRAME);
  });

  it('with timeout 0 never stops on silence', () => {
    const r = new Recorder({ maxSeconds: 3, silenceSeconds: 0 });
    expect(run(r, silence(200))).toEqual({ stop: 'max-length', ticks: 150 });
    expect(r.result(true)).toEqual({ samples: new Int16Array(0), voiced: false });
    expect(r.result(false).samples.length).toBe(24000);
  });

  it('loses nothing to jitter: audio arriving in bursts is kept whole and in order', () => {
    const r = new Recorder({ maxSeconds: 60, silenceSeconds: 5 });
    const audio = tone(40);
    const parts = frames(audio);
    // Nothing for three ticks, then four frames at once, and so on.
    for (let i = 0; i < parts.length; i += 4) {
      for (let t = 0; t < 3; t++) r.tick();
      for (const p of parts.slice(i, i + 4)) r.hear(p);
      r.tick();
    }
    expect(r.result(false).samples).toEqual(audio);
  });

  it('turns a gap in arrivals into silence, so the recording lasts as long as the caller was recorded', () => {
    const r = new Recorder({ maxSeconds: 60, silenceSeconds: 10 });
    run(r, tone(50));
    for (let i = 0; i < 100; i++) r.tick();
    run(r, tone(50));
    const all = r.result(false).samples;
    // 1 s, a 2 s gap (less the jitter allowance, which the next audio fills), 1 s.
    expect(all.length).toBeGreaterThanOrEqual(195 * FRAME);
    expect(all.length).toBeLessThanOrEqual(200 * FRAME);
    expect(r.result(true).samples.length).toBe(all.length);
  });

  it('drops audio that arrives much faster than real time', () => {
    const r = new Recorder({ maxSeconds: 60, silenceSeconds: 5 });
    for (const f of frames(tone(500))) r.hear(f);
    expect(r.result(false).samples.length).toBe(25 * FRAME);
  });
});

describe('parseRange', () => {
  const SIZE = 1000;
  it.each([
    [undefined, { kind: 'full' }],
    ['', { kind: 'full' }],
    ['items=0-5', { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=900-5000', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['BYTES = 10-19', { kind: 'partial', start: 10, end: 19 }],
    ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=-', { kind: 'unsatisfiable' }],
    ['bytes=', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-9', { kind: 'unsatisfiable' }],
    ['bytes=abc', { kind: 'unsatisfiable' }],
    ['bytes=1e3-', { kind: 'unsatisfiable' }],
    ['bytes=0x10-', { kind: 'unsatisfiable' }],
    ['bytes=--1', { kind: 'unsatisfiable' }],
    [`bytes=${'9'.repeat(400)}-`, { kind: 'unsatisfiable' }],
    [`bytes=0-${'9'.repeat(16)}`, { kind: 'unsatisfiable' }],
  ])('%s', (header, answer) => {
    expect(parseRange(header, SIZE)).toEqual(answer);
  });

  it('has nothing to give from an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('recording status callback parameters', () => {
  const base = {
    sid: 'RE1', accountSid: 'AC1', callSid: 'CA1', mediaUrl: 'https://e.test/2010-04-01/Accounts/AC1/Recordings/RE1',
    startTime: new Date('2026-03-01T10:00:00Z'), durationSeconds: null, errorCode: null,
  };
  const common = {
    AccountSid: 'AC1', CallSid: 'CA1', RecordingSid: 'RE1', RecordingUrl: base.mediaUrl, RecordingChannels: '1',
    RecordingSource: 'RecordVerb', RecordingStartTime: 'Sun, 01 Mar 2026 10:00:00 +0000',
  };
  it.each([
    ['in-progress', { ...base, status: 'in-progress' as const }, { ...common, RecordingStatus: 'in-progress' }],
    ['completed', { ...base, status: 'completed' as const, durationSeconds: 7 }, { ...common, RecordingStatus: 'completed', RecordingDuration: '7' }],
    ['absent', { ...base, status: 'absent' as const, durationSeconds: 0, errorCode: 16102 }, { ...common, RecordingStatus: 'absent', RecordingDuration: '0', ErrorCode: '16102' }],
  ])('%s', (_name, facts, params) => {
    expect(recordingStatusParams(facts)).toEqual(params);
  });
});

describe('RecordingStore', () => {
  it('names recordings, gives their media URL on the public origin, and reports their life', () => {
    const store = new RecordingStore('https://localhost:3000/');
    const seen: string[] = [];
    store.on('started', (r) => seen.push(`started ${r.status}`));
    store.on('finished', (r) => seen.push(`finished ${r.status} ${r.durationSeconds}`));
    store.on('deleted', (r) => seen.push(`deleted ${r.sid === a.sid}`));
    const a = store.start({ accountSid: 'AC1', callSid: 'CA1', from: '+1', to: '+2' });
    expect(a.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(a.mediaUrl).toBe(`https://localhost:3000/2010-04-01/Accounts/AC1/Recordings/${a.sid}`);
    expect(a.durationSeconds).toBeNull();
    store.finish(a, { samples: tone(130) });
    expect(a.durationMs).toBe(2600);
    const b = store.start({ accountSid: 'AC1', callSid: 'CA2', from: '+1', to: '+2' });
    store.finish(b, { errorCode: 16101 });
    expect(store.list().map((r) => r.sid)).toEqual([b.sid, a.sid]);
    expect(store.remove(a.sid)).toBe(true);
    expect(store.remove(a.sid)).toBe(false);
    expect(seen).toEqual(['started in-progress', 'finished completed 3', 'started in-progress', 'finished absent 0', 'deleted true']);
  });

  it('forgets the oldest finished recordings beyond its limit, never one in progress', () => {
    const store = new RecordingStore('http://x');
    const live = store.start({ accountSid: 'AC1', callSid: 'CA0', from: '+1', to: '+2' });
    for (let i = 0; i < 510; i++) store.finish(store.start({ accountSid: 'AC1', callSid: `CA${i + 1}`, from: '+1', to: '+2' }), { errorCode: 16101 });
    expect(store.list()).toHaveLength(500);
    expect(store.get(live.sid)).toBe(live);
  });
});

describe('WAV encoding of recordings', () => {
  it('writes PCM 16-bit mono at 8 kHz that reads back sample for sample', () => {
    const samples = tone(25, 523);
    const wav = buildWav(samples, 8000);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt32LE(28), wav.readUInt16LE(32), wav.readUInt16LE(34)])
      .toEqual([1, 1, 8000, 16000, 2, 16]);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(samples.length * 2);
    const back = readWav(wav);
    expect(back.samples).toEqual(samples);
    expect(back.seconds).toBe(0.5);
  });
});
