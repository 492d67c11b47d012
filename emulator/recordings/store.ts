/**
 * Every recording the emulator keeps, by RecordingSid: the only place that adds or forgets them.
 * Audio is kept in memory as 8 kHz samples, as the line carried them; the oldest finished
 * recordings are forgotten beyond a count and a size, so a long-running emulator stays bounded.
 * Listeners hear when a recording starts and finishes (a phone leaving a message waits for the start).
 */
import { EventEmitter } from 'node:events';
import type { RecordingStatus } from '../../contracts/emulator/recordings';
import { SAMPLE_RATE } from '../media/synth';
import { newSid } from '../sid';

const MAX_RECORDINGS = 500;
const MAX_AUDIO_BYTES = 128 * 1024 * 1024;

/** Twilio's errors for a recording with nothing in it. */
export const RECORDING_TOO_SHORT = 16101;
export const RECORDING_SILENT = 16102;

export interface RecordingFacts {
  accountSid: string;
  callSid: string;
  from: string;
  to: string;
}

export class Recording {
  readonly sid = newSid('RE');
  readonly startTime = new Date();
  dateUpdated = this.startTime;
  status: RecordingStatus = 'in-progress';
  errorCode: number | null = null;
  /** The kept audio (8 kHz mono); null while recording and when absent. */
  samples: Int16Array | null = null;
  /** Encoded media, made once on first request. */
  readonly encoded = new Map<string, Promise<Buffer>>();

  /** RecordingUrl: the media without an extension (add .wav or .mp3), on the REST API's origin. */
  readonly mediaUrl: string;

  constructor(readonly facts: RecordingFacts, origin: string) {
    this.mediaUrl = `${origin}/2010-04-01/Accounts/${facts.accountSid}/Recordings/${this.sid}`;
  }

  get accountSid(): string {
    return this.facts.accountSid;
  }

  get callSid(): string {
    return this.facts.callSid;
  }

  get durationMs(): number | null {
    if (this.status === 'in-progress') return null;
    return Math.round(((this.samples?.length ?? 0) * 1000) / SAMPLE_RATE);
  }

  /** RecordingDuration: whole seconds, at least 1 when there is any audio. */
  get durationSeconds(): number | null {
    const ms = this.durationMs;
    if (ms === null) return null;
    return ms === 0 ? 0 : Math.max(1, Math.round(ms / 1000));
  }
}

export interface RecordingStoreEvents {
  started: [recording: Recording];
  finished: [recording: Recording];
  deleted: [recording: Recording];
}

export class RecordingStore extends EventEmitter<RecordingStoreEvents> {
  private readonly recordings = new Map<string, Recording>();
  private readonly origin: string;

  /** `publicOrigin`: where the REST API is reached, for RecordingUrl (Twilio's is https://api.twilio.com). */
  constructor(publicOrigin: string) {
    super();
    this.origin = publicOrigin.replace(/\/+$/, '');
  }

  start(facts: RecordingFacts): Recording {
    const recording = new Recording(facts, this.origin);
    this.recordings.set(recording.sid, recording);
    this.evict();
    this.emit('started', recording);
    return recording;
  }

  /** The recording is over: its audio, or the error that makes it absent. */
  finish(recording: Recording, result: { samples: Int16Array } | { errorCode: number }): void {
    if ('samples' in result) {
      recording.samples = result.samples;
      recording.status = 'completed';
    } else {
      recording.errorCode = result.errorCode;
      recording.status = 'absent';
    }
    recording.dateUpdated = new Date();
    this.evict();
    this.emit('finished', recording);
  }

  get(sid: string): Recording | undefined {
    return this.recordings.get(sid);
  }

  /** Newest first. */
  list(): Recording[] {
    return [...this.recordings.values()].reverse();
  }

  remove(sid: string): boolean {
    const recording = this.recordings.get(sid);
    if (!recording) return false;
    this.recordings.delete(sid);
    this.emit('deleted', recording);
    return true;
  }

  private evict(): void {
    let bytes = 0;
    for (const r of this.recordings.values()) bytes += (r.samples?.byteLength ?? 0);
    for (const [sid, r] of this.recordings) {
      if (this.recordings.size <= MAX_RECORDINGS && bytes <= MAX_AUDIO_BYTES) break;
      if (r.status === 'in-progress') continue;
      bytes -= r.samples?.byteLength ?? 0;
      this.recordings.delete(sid);
    }
  }
}
