/** <Say>: speech on the leg's media endpoint; a simulated phone without one gets the words as text. */
import type { VerbOutcome } from '../../twiml/interpreter';
import type { SayVerb } from '../../twiml/verbs';
import type { Call } from '../call';
import type { VerbContext } from './context';
import { settle, sleep } from './wait';

export async function sayVerb(ctx: Pick<VerbContext, 'phones'>, call: Call, verb: SayVerb, signal: AbortSignal): Promise<VerbOutcome> {
  const loops = verb.loop === 0 ? 1000 : verb.loop;
  for (let i = 0; i < loops && !signal.aborted; i++) {
    await say(ctx, call, verb.text, { ...(verb.voice ? { voice: verb.voice } : {}), ...(verb.language ? { language: verb.language } : {}) }, signal);
  }
  return { verb: 'Other' };
}

/** What the party on this leg hears from <Say> (and from the application-error apology). */
export async function say(
  ctx: Pick<VerbContext, 'phones'>,
  call: Call,
  text: string,
  opts: { voice?: string; language?: string },
  signal: AbortSignal,
): Promise<void> {
  call.log('verb', `Say "${text}"`);
  ctx.phones.on(call)?.says.push({ at: new Date().toISOString(), text });
  if (call.media) {
    const media = call.media;
    await settle(media.play({ kind: 'speech', text, ...opts }).catch(() => undefined), signal);
    if (signal.aborted) media.stopPlayback();
  } else {
    // A phone without media still takes about as long to hear the words.
    await sleep(Math.min(8000, 300 + text.length * 55), signal);
  }
}
