/**
 * What <Record> keeps of the caller's audio, on the media plane's 20 ms clock: received samples are
 * appended as they arrive (so network jitter loses nothing), and a gap in arrivals becomes silence,
 * so a recording lasts as long as the caller was recorded. Each 20 ms frame is judged silent or
 * not by its energy; that drives the silence timeout, maxLength and trim-silence.
 */
import { samplesDbfs } from '../media/level';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../media/synth';

/** A frame quieter than this (RMS) is silence: room noise on a headset is around -60 dBFS, speech -35 to -15. */
export const SILENCE_DBFS = -45;
/** Arrivals may lag the clock by this many frames (jitter) before the gap is filled with silence. */
const GAP_FRAMES = 5;
/** Audio arriving faster than real time beyond this lead is dropped, so a runaway peer cannot fill memory. */
const MAX_LEAD_FRAMES = 25;

export type RecorderStop = 'max-length' | 'silence';

export interface RecorderLimits {
  /** maxLength, in seconds. */
  maxSeconds: number;
  /** Seconds of silence that end the recording; 0 for never. */
  silenceSeconds: number;
}

export function frameIsSilent(frame: Int16Array): boolean {
  return samplesDbfs(frame) <= SILENCE_DBFS;
}

export class Recorder {
  private buffer: Int16Array;
  private length = 0;
  private ticks = 0;
  /** Start of the next frame to judge. */
  private judged = 0;
  private silentRun = 0;
  private readonly maxSamples: number;
  private readonly silenceFrames: number;

  constructor(limits: RecorderLimits) {
    this.maxSamples = Math.round(limits.maxSeconds * SAMPLE_RATE);
    this.silenceFrames = Math.round((limits.silenceSeconds * SAMPLE_RATE) / FRAME_SAMPLES);
    this.buffer = new Int16Array(Math.min(this.maxSamples, SAMPLE_RATE * 10));
  }

  /** Samples received from the caller. */
  hear(samples: Int16Array): void {
    const room = Math.min(this.maxSamples, (this.ticks + MAX_LEAD_FRAMES) * FRAME_SAMPLES) - this.length;
    if (room <= 0) return;
    this.append(samples.length > room ? samples.subarray(0, room) : samples);
  }

  /** One 20 ms tick of the clock; returns why recording must stop, or null. */
  tick(): RecorderStop | null {
    this.ticks++;
    const due = (this.ticks - GAP_FRAMES) * FRAME_SAMPLES;
    if (this.length < due) this.append(new Int16Array(Math.min(due, this.maxSamples) - this.length));
    while (this.judged + FRAME_SAMPLES <= this.length) {
      const silent = frameIsSilent(this.buffer.subarray(this.judged, this.judged + FRAME_SAMPLES));
      this.silentRun = silent ? this.silentRun + 1 : 0;
      this.judged += FRAME_SAMPLES;
    }
    if (this.length >= this.maxSamples) return 'max-length';
    if (this.silenceFrames > 0 && this.silentRun >= this.silenceFrames) return 'silence';
    return null;
  }

  /** How much was recorded, before any trimming. */
  get recordedSamples(): number {
    return this.length;
  }

  /** The recording: everything, or without its leading and trailing silence; `voiced` says whether anything was heard. */
  result(trim: boolean): { samples: Int16Array; voiced: boolean } {
    const all = this.buffer.subarray(0, this.length);
    const span = voicedSpan(all);
    if (!span) return { samples: trim ? new Int16Array(0) : all.slice(), voiced: false };
    return { samples: trim ? all.slice(span.start, span.end) : all.slice(), voiced: true };
  }

  private append(samples: Int16Array): void {
    if (this.length + samples.length > this.buffer.length) {
      const grown = new Int16Array(Math.min(this.maxSamples, Math.max(this.length + samples.length, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.length);
    this.length += samples.length;
  }
}

/** From the first to the end of the last frame that is not silence; null when every frame is. */
export function voicedSpan(samples: Int16Array): { start: number; end: number } | null {
  let start = -1;
  let end = -1;
  for (let at = 0; at < samples.length; at += FRAME_SAMPLES) {
    const stop = Math.min(samples.length, at + FRAME_SAMPLES);
    if (frameIsSilent(samples.subarray(at, stop))) continue;
    if (start < 0) start = at;
    end = stop;
  }
  return start < 0 ? null : { start, end };
}
