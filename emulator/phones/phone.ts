/** One simulated phone: a number that behaves like a person (or a machine) would when called. */
import { E164_PATTERN } from '../../contracts/emulator/common';
import type { NewPhone, PhoneHeard, PhoneMessage, PhoneState } from '../../contracts/emulator/phones';
import type { MediaLeg, AudioSource, LegMediaStats } from '../media/types';
import type { PhoneBehaviour, SimulatedPhoneSpec } from '../types';

export type { PhoneMessage, PhoneState };

/** A number nobody owns answers and echoes, so any well-formed number can be called. */
export const UNOWNED_NUMBER_BEHAVIOUR: PhoneBehaviour = { kind: 'answer', after: 800, audio: 'echo' };

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

  heard(): PhoneHeard {
    const stats: LegMediaStats | null = this.listenLeg ? this.listenLeg.stats() : null;
    return {
      says: this.says.map((s) => s.text),
      digits: this.digitsHeard,
      levelDbfs: stats ? stats.levelDbfs : -127,
      peakLevelDbfs: stats ? stats.peakLevelDbfs : -127,
      packetsReceived: stats ? stats.packetsReceived : 0,
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
      kind: 'answer', audio: b.audio ?? 'echo',
      ...(b.after !== undefined ? { after: b.after } : {}),
      ...(b.hangupAfter !== undefined ? { hangupAfter: b.hangupAfter } : {}),
    }
    : { kind: b.kind };
  const delivery = input.sms?.delivery;
  return { number: input.number, name, behaviour, ...(delivery ? { sms: { delivery } } : {}) };
}
