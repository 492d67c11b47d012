/**
 * The phones every emulator starts with when its options name none. A module of its own, with nothing
 * but types imported, so that tests can dial these numbers without loading the emulator.
 */
import type { SimulatedPhoneSpec } from '../types';

/** The default phones' numbers, by what each does when called. */
export const DEFAULT_PHONE_NUMBERS = {
  echo: '+12025550101',
  manual: '+12025550102',
  busy: '+12025550103',
  tone: '+12025550104',
  noAnswer: '+12025550105',
} as const;

export const DEFAULT_PHONES: SimulatedPhoneSpec[] = [
  { number: DEFAULT_PHONE_NUMBERS.echo, name: 'Echo phone', behaviour: { kind: 'answer', after: 800, audio: 'echo' } },
  { number: DEFAULT_PHONE_NUMBERS.manual, name: 'Manual phone', behaviour: { kind: 'manual' } },
  { number: DEFAULT_PHONE_NUMBERS.busy, name: 'Busy phone', behaviour: { kind: 'busy' } },
  { number: DEFAULT_PHONE_NUMBERS.tone, name: 'Tone phone', behaviour: { kind: 'answer', after: 800, audio: 'tone' } },
  { number: DEFAULT_PHONE_NUMBERS.noAnswer, name: 'Unanswered phone', behaviour: { kind: 'no-answer' } },
];
