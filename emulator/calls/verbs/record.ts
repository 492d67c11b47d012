/**
 * <Record>: the caller hears a beep, then what they say is recorded until they press a finishOnKey,
 * stay silent for `timeout` seconds, reach maxLength, or hang up. The recording is kept (trimmed of
 * leading and trailing silence unless told not to) and reported: recordingStatusCallback events
 * (in-progress, then completed or absent) and the outcome that ../../twiml/interpreter turns into the
 * action request. A recording with nothing in it is absent, as at Twilio (16101 too short, 16102 silent).
 */
import type { VerbOutcome } from '../../twiml/interpreter';
import type { RecordVerb } from '../../twiml/verbs';
import { onMediaTick } from '../../media/clock';
import type { AudioSource } from '../../media/types';
import { listenToCaller, type CallerAudioDeps } from '../../recordings/caller-audio';
import { recordingStatusParams } from '../../recordings/params';
import { Recorder, type RecorderStop } from '../../recordings/recorder';
import { RECORDING_SILENT, RECORDING_TOO_SHORT, type Recording, type RecordingStore } from '../../recordings/store';
import type { Call } from '../call';
import type { WebhookClient } from '../webhook';
import { settle, sleep } from './wait';

/** The beep before recording: 1 kHz for 400 ms, distinct from the 440/660/880 Hz tones tests give the parties. */
export const BEEP: AudioSource & { kind: 'tone' } = { kind: 'tone', frequencies: [1000], durationMs: 400 };
/** Twilio posts the completed callback once the file is processed, after the action request. */
const PROCESSING_MS = 250;

export interface RecordDeps extends CallerAudioDeps {
  recordings: Pick<RecordingStore, 'start' | 'finish'>;
  webhooks: Pick<WebhookClient, 'resolveUrl' | 'request'>;
}

type Ending = RecorderStop | { key: string } | 'hangup' | 'redirected';

export async function recordVerb(deps: RecordDeps, call: Call, verb: RecordVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
  call.log('verb', `Record maxLength=${verb.maxLength} timeout=${verb.timeout} finishOnKey="${verb.finishOnKey}" trim=${verb.trim}${verb.playBeep ? '' : ' (no beep)'}`);
  if (verb.transcribe) call.log('error', '<Record transcribe> is not emulated: the recording is kept without a transcription');
  if (verb.ignoredEvents) call.log('error', `13621 Invalid recordingStatusCallbackEvent ${verb.ignoredEvents.join(', ')}: ignored`);

  if (verb.playBeep) await beep(call, signal);
  const hungUp = (): boolean => call.endTime !== null;
  if (signal.aborted) {
    return { verb: 'Record', recordingUrl: '', durationSeconds: 0, digits: hungUp() ? 'hangup' : '', empty: true, callerHungUp: hungUp() };
  }

  const recording = deps.recordings.start({ accountSid: call.accountSid, callSid: call.sid, from: call.from, to: call.to });
  call.log('verb', `Record started ${recording.sid}`);
  const callback = statusCallback(deps, call, verb, documentUrl);
  callback(recording, 'in-progress');

  const recorder = new Recorder({ maxSeconds: verb.maxLength, silenceSeconds: verb.timeout });
  const ending = await new Promise<Ending>((resolve) => {
    let done = false;
    const finish = (why: Ending): void => {
      if (done) return;
      done = true;
      stopListening();
      stopTicking();
      call.digitListeners.delete(onDigit);
      signal.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onDigit = (digit: string): void => {
      if (verb.finishOnKey.includes(digit)) finish({ key: digit });
    };
    const onAbort = (): void => finish(hungUp() ? 'hangup' : 'redirected');
    const stopListening = listenToCaller(call, deps, (samples) => recorder.hear(samples));
    const stopTicking = (deps.clock ?? onMediaTick)(() => {
      const stop = recorder.tick();
      if (stop) finish(stop);
    });
    call.digitListeners.add(onDigit);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });

  const { samples, voiced } = recorder.result(verb.trim === 'trim-silence');
  const errorCode = voiced ? null : recorder.recordedSamples === 0 ? RECORDING_TOO_SHORT : RECORDING_SILENT;
  deps.recordings.finish(recording, errorCode === null ? { samples } : { errorCode });
  const digits = typeof ending === 'object' ? ending.key : ending === 'hangup' ? 'hangup' : '';
  call.log('verb', `Record ${recording.status}: ${recording.durationMs} ms (${describe(ending)})${errorCode ? `, error ${errorCode}` : ''}`);
  setTimeout(() => callback(recording, recording.status), PROCESSING_MS).unref?.();
  return {
    verb: 'Record', recordingUrl: recording.mediaUrl, durationSeconds: recording.durationSeconds ?? 0, digits,
    empty: errorCode !== null, callerHungUp: ending === 'hangup',
  };
}

function describe(ending: Ending): string {
  if (typeof ending === 'object') return `finished by ${ending.key}`;
  return { 'max-length': 'maxLength reached', silence: 'silence timeout', hangup: 'caller hung up', redirected: 'call redirected' }[ending];
}

/** The caller hears the beep; a phone with no media leg takes as long to hear it. */
async function beep(call: Call, signal: AbortSignal): Promise<void> {
  if (call.media) {
    const media = call.media;
    await settle(media.play(BEEP).catch(() => undefined), signal);
    if (signal.aborted) media.stopPlayback();
  } else {
    await sleep(BEEP.durationMs!, signal);
  }
}

/** Sends the recording's status to recordingStatusCallback for the events asked for (signed, as every webhook). */
function statusCallback(deps: RecordDeps, call: Call, verb: RecordVerb, documentUrl: string) {
  const spec = verb.recordingStatusCallback;
  return (recording: Recording, event: Recording['status']): void => {
    if (!spec || !spec.events.includes(event)) return;
    const url = deps.webhooks.resolveUrl(spec.url, documentUrl);
    const params = recordingStatusParams({
      sid: recording.sid, accountSid: recording.accountSid, callSid: recording.callSid, mediaUrl: recording.mediaUrl,
      status: event, startTime: recording.startTime, durationSeconds: recording.durationSeconds, errorCode: recording.errorCode,
    });
    call.log('webhook', `recording status callback ${event}: ${spec.method} ${url}`, { params });
    void deps.webhooks.request({ url, method: spec.method, params }).then((r) => {
      call.log(r.ok ? 'webhook' : 'error', r.ok ? `recording status callback ${event} → ${r.status} (${r.ms} ms)` : `recording status callback failed: ${r.code} ${r.message}`);
    });
  };
}
