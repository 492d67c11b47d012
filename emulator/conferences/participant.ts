/**
 * A conference participant at run time: its call, the options it came in with, its audio in the
 * mixer and its programs (wait, hold, announcement), and how its holder learns that the conference
 * let go of it. Its seat (what the rules see) lives in the conference's state.
 */
import type { Call } from '../calls/call';
import { LevelMeter } from '../media/level';
import type { ToneReading } from '../media/spectrum';
import { PhoneAudio, SpeakingDetector, type ParticipantAudio, type RingbackAudio } from './audio';
import type { Program, ProgramSpec } from './program';
import type { Seat } from './state';

export type Beep = 'true' | 'false' | 'onEnter' | 'onExit';

export interface ParticipantOptions {
  label: string | null;
  muted: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  beep: Beep;
  wait: ProgramSpec;
  coaching: boolean;
  callSidToCoach: string | null;
  /** While an API participant's phone rings, the room hears the ringback. */
  earlyMedia: boolean;
}

/** What the API may change on a participant. */
export type ReleaseReason = 'ended' | 'kicked';
export class ConferenceParticipant {
  readonly createdAt = new Date();
  updatedAt = this.createdAt;
  joinedAt: Date | null = null;
  audio: ParticipantAudio | null = null;
  ringback: RingbackAudio | null = null;
  wait: Program | null = null;
  hold: Program | null = null;
  announcement: Program | null = null;
  holdSpec: ProgramSpec = { kind: 'music' };
  readonly speaking = new SpeakingDetector();
  readonly voiceLevel = new LevelMeter();
  readonly released: Promise<ReleaseReason>;
  private resolveRelease!: (r: ReleaseReason) => void;

  constructor(readonly call: Call, public options: ParticipantOptions, readonly source: 'twiml' | 'api') {
    this.released = new Promise((r) => { this.resolveRelease = r; });
  }

  release(reason: ReleaseReason): void {
    this.resolveRelease(reason);
  }

  /** The tones in what this participant hears now: what its leg sends, or what its phone is sent. */
  heardTones(): ToneReading[] {
    if (this.audio instanceof PhoneAudio) return this.audio.meters.stats().tones ?? [];
    return this.audio ? this.call.media?.stats().sent?.tones ?? [] : [];
  }
}


export function seatOf(call: Call, o: ParticipantOptions): Seat {
  return {
    callSid: call.sid, label: o.label, joined: false, muted: o.muted, hold: false,
    coaching: o.coaching, callSidToCoach: o.callSidToCoach,
    startConferenceOnEnter: o.startConferenceOnEnter, endConferenceOnExit: o.endConferenceOnExit,
    beepOnEnter: o.beep === 'true' || o.beep === 'onEnter', beepOnExit: o.beep === 'true' || o.beep === 'onExit',
  };
}
