/** One simulated phone: a number that behaves like a person (or a machine) would when called. */
import { E164_PATTERN } from '../../contracts/emulator/common';
import type { NewPhone, PhoneHeard, PhoneMessage, PhoneState } from '../../contracts/emulator/phones';
import type { FrameSource } from '../media/sources';
import type { MediaLeg, AudioSource, LegMediaStats } from '../media/types';
import type { PhoneBehaviour, SimulatedPhoneSpec } from '../types';
import { voiceOf } from './voice';

export type { PhoneMessage, PhoneState };

/** A number nobody owns answers and echoes, so any well-formed number can be called. */
export const UNOWNED_NUMBER_BEHAVIOUR: PhoneBehaviour = { kind: 'answer', after: 800, audio: 'echo' };

export interface RingHandle {
  answer(): void;
  reject(): void;
}

/** The tone a phone sends when no frequency is given. */
export const DEFAULT_TONE_HZ = 440;

export class SimulatedPhone {
  state: PhoneState = 'idle';
  callSid: string | null = null;
  /** A tone asked for on the call this phone placed (POST /phones/:number/call {toneHz}). */
  callToneHz: number | null = null;
  /** What the phone says into its current call when it has no media leg (see ./voice.ts). */
  private voice: FrameSource | null = null;
  /** Where the phone's own audio goes and comes from when a person operates it from the console. */
  consoleLeg: MediaLeg | null = null;
  /**
   * Where what this phone hears is measured: the far party's media leg (its received audio is what
   * the phone hears), or a conference's meters of what the phone is sent.
   */
  listenLeg: Pick<MediaLeg, 'stats'> | null = null;
  says: { at: string; text: string }[] = [];
  digitsHeard = '';
  readonly messages: PhoneMessage[] = [];
  ring: RingHandle | null = null;

  constructor(public spec: SimulatedPhoneSpec, readonly ephemeral = false) {}

  get number(): string {
    return this.spec.number;
  }

  /** Answered by a person at the console (or the control API) rather than by itself. */
  get answersManually(): boolean {
    return this.spec.behaviour.kind === 'manual' || this.consoleLeg !== null;
  }

  audioSource(): AudioSource {
    if (this.callToneHz !== null) return { kind: 'tone', frequencies: [this.callToneHz] };
    const b = this.spec.behaviour;
    if (b.kind !== 'answer') return { kind: 'echo' };
    if (b.audio === 'tone') return { kind: 'tone', frequencies: [b.toneHz ?? DEFAULT_TONE_HZ] };
    if (b.audio === 'silence') return { kind: 'silence' };
    return { kind: 'echo' };
  }

  startCall(callSid: string, state: PhoneState, toneHz: number | null = null): void {
    this.state = state;
    this.callSid = callSid;
    this.says = [];
    this.digitsHeard = '';
    this.callToneHz = toneHz;
    this.voice = null;
  }

  endCall(): void {
    this.state = 'idle';
    this.callSid = null;
    this.ring = null;
    this.listenLeg = null;
    this.callToneHz = null;
    this.voice = null;
  }

  /** The next 20 ms of what the phone says: its audio source, or what it was told to say. */
  speak(out: Int16Array): void {
    this.voice ??= voiceOf(this.audioSource());
    if (!this.voice.next(out)) out.fill(0);
  }

  /** From now on the phone says this on its current call (a message it leaves). */
  sayNow(voice: FrameSource): void {
    this.voice = voice;
  }

  heard(): PhoneHeard {
    const stats: LegMediaStats | null = this.listenLeg ? this.listenLeg.stats() : null;
    return {
      says: this.says.map((s) => s.text),
      digits: this.digitsHeard,
      levelDbfs: stats ? stats.levelDbfs : -127,
      peakLevelDbfs: stats ? stats.peakLevelDbfs : -127,
      packetsReceived: stats ? stats.packetsReceived : 0,
      tones: stats?.tones ?? [],
    };
  }
}

const E164 = new RegExp(E164_PATTERN);

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** The phone a POST /phones asks for: a blank name is the number, answering phones echo unless told otherwise. */
export function phoneSpec(input: NewPhone): SimulatedPhoneSpec {
  const name = input.name?.trim() || input.number;
  const b = input.behaviour ?? { kind: 'manual' };
  const behaviour: PhoneBehaviour = b.kind === 'answer'
    ? {
      // A frequency with no audio named means the phone answers with that tone.
      kind: 'answer', audio: b.audio ?? (b.toneHz !== undefined ? 'tone' : 'echo'),
      ...(b.after !== undefined ? { after: b.after } : {}),
      ...(b.hangupAfter !== undefined ? { hangupAfter: b.hangupAfter } : {}),
      ...(b.toneHz !== undefined ? { toneHz: b.toneHz } : {}),
    }
    : { kind: b.kind };
  const delivery = input.sms?.delivery;
  return { number: input.number, name, behaviour, ...(delivery ? { sms: { delivery } } : {}) };
}
