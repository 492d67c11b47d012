/**
 * <Gather>: plays its prompts while collecting the digits the caller presses; the first key stops
 * the prompts. When it is done (numDigits, finishOnKey, timeout) comes from the pure gatherStep.
 */
import { gatherStep, type VerbOutcome } from '../../twiml/interpreter';
import type { GatherVerb } from '../../twiml/verbs';
import type { Call } from '../call';
import type { VerbContext } from './context';

export function gatherVerb(ctx: VerbContext, call: Call, verb: GatherVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
  call.log('verb', `Gather${verb.numDigits ? ` numDigits=${verb.numDigits}` : ''} finishOnKey="${verb.finishOnKey}" timeout=${verb.timeout}`);
  if (verb.input !== 'dtmf' && !verb.input.split(/\s+/).includes('dtmf')) {
    call.log('error', `<Gather input="${verb.input}">: only dtmf input is emulated`);
  }
  return new Promise((resolve) => {
    let state = { digits: '' };
    let timer: NodeJS.Timeout | null = null;
    let finished = false;
    const promptAbort = new AbortController();
    const finish = (done: { digits: string; finishedOnKey: string }): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      call.digitListeners.delete(onDigit);
      signal.removeEventListener('abort', onAbort);
      promptAbort.abort();
      call.log('verb', `Gather got "${done.digits}"${done.finishedOnKey ? ` (finished by ${done.finishedOnKey})` : ''}`);
      resolve({ verb: 'Gather', ...done });
    };
    const armTimer = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const step = gatherStep(verb, state, { kind: 'timeout' });
        if (step.done) finish(step.done);
      }, verb.timeout * 1000);
    };
    const onDigit = (digit: string): void => {
      if (!promptAbort.signal.aborted) {
        promptAbort.abort();
        call.media?.stopPlayback();
      }
      const step = gatherStep(verb, state, { kind: 'digit', digit });
      state = step.state;
      if (step.done) finish(step.done);
      else armTimer();
    };
    const onAbort = (): void => finish({ digits: state.digits, finishedOnKey: '' });
    call.digitListeners.add(onDigit);
    signal.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      for (const prompt of verb.prompts) {
        if (promptAbort.signal.aborted || finished) break;
        await ctx.exec(call, prompt, documentUrl, promptAbort.signal);
      }
      // The timeout counts from the end of the prompts, unless a key already armed it.
      if (!finished && state.digits === '' && !timer) armTimer();
    })();
  });
}
