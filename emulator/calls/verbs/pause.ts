/** <Pause>: silence for `length` seconds. */
import type { VerbOutcome } from '../../twiml/interpreter';
import type { PauseVerb } from '../../twiml/verbs';
import type { Call } from '../call';
import { sleep } from './wait';

export async function pauseVerb(call: Call, verb: PauseVerb, signal: AbortSignal): Promise<VerbOutcome> {
  call.log('verb', `Pause ${verb.length} s`);
  await sleep(verb.length * 1000, signal);
  return { verb: 'Other' };
}
