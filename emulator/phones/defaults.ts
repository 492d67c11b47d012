/**
 * The phones every emulator starts with when its options name none. A module of its own, with nothing
 * but types imported, so that tests can dial these numbers without loading the emulator.
 */
import type { SimulatedPhoneSpec } from '../types';

/** The default phones' numbers, by what each does when called or texted. */
export const DEFAULT_PHONE_NUMBERS = {
  echo: '+12025550101',
  manual: '+12025550102',
  busy: '+12025550103',
  tone: '+12025550104',
  noAnswer: '+12025550105',
  /** Texts to it end undelivered with 30003; calls ring out unanswered. */
  unreachable: '+12025550106',
  /** Texts to it fail with 30006; calls are answered and echoed. */
  landline: '+12025550107',
  /** Texts to it stay sent: no delivery receipt ever comes. */
  unconfirmed: '+12025550108',
  /** Texts to it fail with 30034 (unregistered A2P 10DLC traffic). */
  unregistered: '+12025550109',
} as const;

export const DEFAULT_PHONES: SimulatedPhoneSpec[] = [
  { number: DEFAULT_PHONE_NUMBERS.echo, name: 'Echo phone', behaviour: { kind: 'answer', after: 800, audio: 'echo' } },
  { number: DEFAULT_PHONE_NUMBERS.manual, name: 'Manual phone', behaviour: { kind: 'manual' } },
  { number: DEFAULT_PHONE_NUMBERS.busy, name: 'Busy phone', behaviour: { kind: 'busy' } },
  { number: DEFAULT_PHONE_NUMBERS.tone, name: 'Tone phone', behaviour: { kind: 'answer', after: 800, audio: 'tone' } },
  { number: DEFAULT_PHONE_NUMBERS.noAnswer, name: 'Unanswered phone', behaviour: { kind: 'no-answer' } },
  { number: DEFAULT_PHONE_NUMBERS.unreachable, name: 'Unreachable mobile', behaviour: { kind: 'no-answer' }, sms: { delivery: 'unreachable' } },
  { number: DEFAULT_PHONE_NUMBERS.landline, name: 'Landline', behaviour: { kind: 'answer', after: 800, audio: 'echo' }, sms: { delivery: 'landline' } },
  { number: DEFAULT_PHONE_NUMBERS.unconfirmed, name: 'Mobile without delivery receipts', behaviour: { kind: 'answer', after: 800, audio: 'echo' }, sms: { delivery: 'unconfirmed' } },
  { number: DEFAULT_PHONE_NUMBERS.unregistered, name: 'Mobile behind a 10DLC block', behaviour: { kind: 'answer', after: 800, audio: 'echo' }, sms: { delivery: 'unregistered' } },
];
