/**
 * The <Record> verb on one call, with a fake media leg the test speaks into and a clock it turns by
 * hand, so seconds of silence and maxLength take no time: what ends a recording, what is kept, and
 * what the app is told, in which order.
 */
import { describe, expect, it } from 'vitest';
import { FakeLeg } from '../../../test-support/emulator-fakes';
import { ToneGenerator } from '../../media/synth';
import { RecordingStore } from '../../recordings/store';
import type { VerbOutcome } from '../../twiml/interpreter';
import type { RecordVerb } from '../../twiml/verbs';
import { Call } from '../call';
import type { WebhookRequest } from '../webhook';
import { BEEP, recordVerb } from './record';

const DOC = 'https://app.test/voicemail';
const verb = (over: Partial<RecordVerb> = {}): RecordVerb => ({
  verb: 'Record', method: 'POST', timeout: 5, finishOnKey: '1234567890*#', maxLength: 3600, playBeep: true, trim: 'trim-silence', transcribe: false,
  recordingStatusCallback: { url: '/status', method: 'POST', events: ['in-progress', 'completed', 'absent'] }, ...over,
});

function setup() {
  const call = new Call('AC1', '+12025550111', '+12025550100', 'inbound', { kind: 'phone', number: '+12025550111' });
  const leg = new FakeLeg('caller');
  call.media = leg;
  const recordings = new RecordingStore('https://emulator.test');
  const sent: (WebhookRequest & { at: number })[] = [];
  let tick: (() => void) | null = null;
  const gen = new ToneGenerator({ frequencies: [660], amplitude: 0.3 });
  const deps = {
    recordings,
    phones: { on: () => undefined },
    webhooks: {
      resolveUrl: (url: string, base?: string) => new URL(url, base).toString(),
      request: async (req: WebhookRequest) => {
        sent.push({ ...req, at: Date.now() });
        return { ok: true as const, status: 200, body: '', contentType: 'text/plain', ms: 1, url: req.url };
      },
    },
    clock: (fn: () => void) => {
      tick = fn;
      return () => { tick = null; };
    },
  };
  /** The caller says 20 ms of a tone (or of silence), and the clock moves on. */
  const speak = (frames: number, loud = true): void => {
    for (let i = 0; i < frames && tick; i++) {
      const frame = new Int16Array(160);
      if (loud) gen.render(frame);
      leg.emit('audio', frame);
      tick();
    }
  };
  const recording = () => recordings.list()[0]!;
  const started = async () => {
    for (let i = 0; i < 100 && !tick; i++) await new Promise((r) => setTimeout(r, 5));
    expect(tick).not.toBeNull();
  };
  return { call, leg, deps, sent, speak, recording, started, recordings };
}

type Recorded = Extract<VerbOutcome, { verb: 'Record' }>;

describe('<Record>', () => {
  it('beeps to the caller first, then records until maxLength', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ maxLength: 3 }), DOC, t.call.runAbort.signal);
    await t.started();
    expect(t.leg.played).toEqual([BEEP]);
    t.speak(200);
    const outcome = (await done) as Recorded;
    expect(outcome).toEqual({ verb: 'Record', recordingUrl: t.recording().mediaUrl, durationSeconds: 3, digits: '', empty: false, callerHungUp: false });
    expect(t.recording().samples!.length).toBe(24000);
  });

  it('plays no beep with playBeep="false"', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ playBeep: false, maxLength: 1 }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(60);
    await done;
    expect(t.leg.played).toEqual([]);
  });

  it('ends after `timeout` seconds of silence, and trims the silence', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ timeout: 2 }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(25, false);
    t.speak(100);
    t.speak(300, false);
    const outcome = (await done) as Recorded;
    expect(outcome.durationSeconds).toBe(2);
    expect(t.recording().durationMs).toBe(2000);
    expect(t.call.events.some((e) => e.text.includes('silence timeout'))).toBe(true);
  });

  it('keeps the silence with trim="do-not-trim"', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ timeout: 1, trim: 'do-not-trim' }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(25, false);
    t.speak(50);
    t.speak(100, false);
    await done;
    // Half a second before, one second of voice, and the second of silence that ended it.
    expect(t.recording().durationMs).toBe(2500);
  });

  it('ends on a finishOnKey key, ignores other keys, and reports the key', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ finishOnKey: '#*' }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(50);
    for (const listener of [...t.call.digitListeners]) listener('5');
    t.speak(50);
    for (const listener of [...t.call.digitListeners]) listener('*');
    const outcome = (await done) as Recorded;
    expect(outcome).toMatchObject({ digits: '*', durationSeconds: 2, empty: false });
    expect(t.call.digitListeners.size).toBe(0);
  });

  it('with finishOnKey="" no key ends it', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ finishOnKey: '', maxLength: 1 }), DOC, t.call.runAbort.signal);
    await t.started();
    for (const listener of [...t.call.digitListeners]) listener('#');
    t.speak(60);
    expect(await done).toMatchObject({ digits: '' });
  });

  it('tells the app in-progress at the start and completed after the outcome, signed parameters and all', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ maxLength: 1 }), DOC, t.call.runAbort.signal);
    await t.started();
    expect(t.sent.map((s) => s.params.RecordingStatus)).toEqual(['in-progress']);
    t.speak(60);
    await done;
    const returnedAt = Date.now();
    expect(t.sent).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(t.sent.map((s) => s.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
    expect(t.sent[1]!.at).toBeGreaterThanOrEqual(returnedAt);
    expect(t.sent[1]).toMatchObject({
      url: 'https://app.test/status', method: 'POST',
      params: { CallSid: t.call.sid, AccountSid: 'AC1', RecordingSid: t.recording().sid, RecordingDuration: '1', RecordingSource: 'RecordVerb', RecordingChannels: '1' },
    });
  });

  it('sends only the events asked for (completed by default)', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ maxLength: 1, timeout: 1, recordingStatusCallback: { url: '/s', method: 'GET', events: ['completed'] } }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(60, false);
    expect(await done).toMatchObject({ empty: true });
    await new Promise((r) => setTimeout(r, 400));
    expect(t.sent).toEqual([]);
  });

  it('is absent when only silence was heard (16102), and when nothing was (16101)', async () => {
    const silent = setup();
    const a = recordVerb(silent.deps, silent.call, verb({ timeout: 1 }), DOC, silent.call.runAbort.signal);
    await silent.started();
    silent.speak(100, false);
    expect(await a).toMatchObject({ empty: true, durationSeconds: 0 });
    expect(silent.recording()).toMatchObject({ status: 'absent', errorCode: 16102, samples: null });

    const short = setup();
    const b = recordVerb(short.deps, short.call, verb(), DOC, short.call.runAbort.signal);
    await short.started();
    for (const listener of [...short.call.digitListeners]) listener('#');
    expect(await b).toMatchObject({ empty: true, digits: '#' });
    expect(short.recording()).toMatchObject({ status: 'absent', errorCode: 16101 });
    await new Promise((r) => setTimeout(r, 400));
    expect(short.sent.map((s) => [s.params.RecordingStatus, s.params.ErrorCode])).toEqual([['in-progress', undefined], ['absent', '16101']]);
  });

  it('keeps what was said when the caller hangs up, with Digits=hangup', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb(), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(75);
    t.call.endTime = new Date();
    t.call.runAbort.abort();
    expect(await done).toMatchObject({ digits: 'hangup', callerHungUp: true, durationSeconds: 2, empty: false });
    expect(t.recording().status).toBe('completed');
  });

  it('stops without Digits when the call is redirected (REST update)', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb(), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(50);
    t.call.runAbort.abort();
    expect(await done).toMatchObject({ digits: '', callerHungUp: false });
  });

  it('says in the call log that transcription is not emulated', async () => {
    const t = setup();
    const done = recordVerb(t.deps, t.call, verb({ transcribe: true, maxLength: 1 }), DOC, t.call.runAbort.signal);
    await t.started();
    t.speak(60);
    await done;
    expect(t.call.events.some((e) => e.kind === 'error' && e.text.includes('transcribe'))).toBe(true);
  });
});
