/** <Play>: audio from a URL on the leg's media endpoint, or DTMF digits (<Play digits>). */
import type { VerbOutcome } from '../../twiml/interpreter';
import type { PlayVerb } from '../../twiml/verbs';
import type { Call } from '../call';
import type { VerbContext } from './context';
import { settle, sleep } from './wait';

export async function playVerb(ctx: VerbContext, call: Call, verb: PlayVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
  if (verb.digits) {
    call.log('verb', `Play digits ${verb.digits}`);
    await ctx.legs.sendDigitsTo(call, verb.digits);
    return { verb: 'Other' };
  }
  const url = ctx.webhooks.resolveUrl(verb.url, documentUrl);
  call.log('verb', `Play ${url}${verb.loop !== 1 ? ` ×${verb.loop || '∞'}` : ''}`);
  if (call.media) {
    const media = call.media;
    await settle(media.play({ kind: 'url', url, loop: verb.loop }).catch((e: Error) => call.log('error', `Play failed: ${e.message}`)), signal);
    if (signal.aborted) media.stopPlayback();
  } else {
    await sleep(2000, signal);
  }
  return { verb: 'Other' };
}
