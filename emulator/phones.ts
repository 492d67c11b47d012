/** The simulated phone network: phones that own numbers and behave like people (or machines) would. */
import type { MediaLeg, AudioSource, LegMediaStats } from './media/types';
import type { PhoneBehaviour, SimulatedPhoneSpec } from './types';

export const DEFAULT_PHONES: SimulatedPhoneSpec[] = [
  { number: '+12025550101', name: 'Echo phone', behaviour: { kind: 'answer', after: 800, audio: 'echo' } },
  { number: '+12025550102', name: 'Manual phone', behaviour: { kind: 'manual' } },
  { number: '+12025550103', name: 'Busy phone', behaviour: { kind: 'busy' } },
  { number: '+12025550104', name: 'Tone phone', behaviour: { kind: 'answer', after: 800, audio: 'tone' } },
  { number: '+12025550105', name: 'Unanswered phone', behaviour: { kind: 'no-answer' } },
];

/** A number nobody owns answers and echoes, so any well-formed number can be called. */
export const UNOWNED_NUMBER_BEHAVIOUR: PhoneBehaviour = { kind: 'answer', after: 800, audio: 'echo' };

export type PhoneState = 'idle' | 'ringing' | 'calling' | 'in-call';

export interface PhoneMessage {
  sid: string;
  direction: 'received' | 'sent';
  from: string;
  to: string;
  body: string;
  at: string;
}

export interface RingHandle {
  answer(): void;
  reject(): void;
}

export class SimulatedPhone {
  state: PhoneState = 'idle';
  callSid: string | null = null;
  /** Where the phone's own audio goes and comes from when a person operates it from the console. */
  consoleLeg: MediaLeg | null = null;
  /** The far party's media leg: its received audio is what this phone hears. */
  listenLeg: MediaLeg | null = null;
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
    const b = this.spec.behaviour;
    if (b.kind !== 'answer') return { kind: 'echo' };
    if (b.audio === 'tone') return { kind: 'tone', frequencies: [440] };
    if (b.audio === 'silence') return { kind: 'silence' };
    return { kind: 'echo' };
  }

  startCall(callSid: string, state: PhoneState): void {
    this.state = state;
    this.callSid = callSid;
    this.says = [];
    this.digitsHeard = '';
  }

  endCall(): void {
    this.state = 'idle';
    this.callSid = null;
    this.ring = null;
    this.listenLeg = null;
  }

  heard(): { says: string[]; digits: string; levelDbfs: number; peakLevelDbfs: number; packetsReceived: number } {
    const stats: LegMediaStats | null = this.listenLeg ? this.listenLeg.stats() : null;
    return {
      says: this.says.map((s) => s.text),
      digits: this.digitsHeard,
      levelDbfs: stats ? stats.levelDbfs : -127,
      peakLevelDbfs: stats ? stats.peakLevelDbfs : -127,
      packetsReceived: stats ? stats.packetsReceived : 0,
    };
  }

  toJSON(): Record<string, unknown> {
    return {
      number: this.number,
      name: this.spec.name,
      behaviour: this.spec.behaviour,
      ephemeral: this.ephemeral,
      state: this.state,
      callSid: this.callSid,
      operatedFromConsole: this.consoleLeg !== null,
      heard: this.heard(),
      messages: this.messages,
    };
  }
}

export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

export function validatePhoneSpec(input: unknown): { ok: true; spec: SimulatedPhoneSpec } | { ok: false; error: string } {
  if (typeof input !== 'object' || input === null) return { ok: false, error: 'Body must be a phone object' };
  const o = input as Record<string, unknown>;
  if (typeof o.number !== 'string' || !isE164(o.number)) return { ok: false, error: 'number must be an E.164 phone number like +12025550199' };
  const name = typeof o.name === 'string' && o.name.trim() ? o.name.trim() : o.number;
  const b = (o.behaviour ?? { kind: 'manual' }) as Record<string, unknown>;
  let behaviour: PhoneBehaviour;
  switch (b.kind) {
    case 'manual': behaviour = { kind: 'manual' }; break;
    case 'busy': behaviour = { kind: 'busy' }; break;
    case 'no-answer': behaviour = { kind: 'no-answer' }; break;
    case 'answer': {
      const audio = b.audio === 'tone' || b.audio === 'silence' ? b.audio : 'echo';
      behaviour = {
        kind: 'answer', audio,
        ...(typeof b.after === 'number' && b.after >= 0 ? { after: b.after } : {}),
        ...(typeof b.hangupAfter === 'number' && b.hangupAfter > 0 ? { hangupAfter: b.hangupAfter } : {}),
      };
      break;
    }
    default: return { ok: false, error: 'behaviour.kind must be manual, answer, busy or no-answer' };
  }
  return { ok: true, spec: { number: o.number, name, behaviour } };
}
