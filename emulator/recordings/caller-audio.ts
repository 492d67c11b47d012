/**
 * The audio a <Record> hears: what the leg's media endpoint receives (a browser's microphone, the
 * console page's microphone), or, on a call from a simulated phone that has no leg, the phone's own
 * voice, taken 20 ms at a time on the media clock and passed through G.711 as the line would.
 */
import type { Call } from '../calls/call';
import { onMediaTick } from '../media/clock';
import { decodePcmu, encodePcmu } from '../media/g711';
import { FRAME_SAMPLES } from '../media/synth';
import type { PhoneNetwork } from '../phones/network';

/** Calls `fn` every 20 ms until the returned function is called (the shared media clock by default). */
export type Clock = (fn: () => void) => () => void;

export interface CallerAudioDeps {
  phones: Pick<PhoneNetwork, 'on'>;
  clock?: Clock;
}

/** Feeds the caller's audio to `hear` until the returned function is called. */
export function listenToCaller(call: Call, deps: CallerAudioDeps, hear: (samples: Int16Array) => void): () => void {
  const leg = call.media;
  if (leg) {
    leg.on('audio', hear);
    return () => leg.off('audio', hear);
  }
  const phone = deps.phones.on(call);
  if (!phone) return () => undefined;
  const frame = new Int16Array(FRAME_SAMPLES);
  return (deps.clock ?? onMediaTick)(() => {
    if (phone.callSid !== call.sid) return;
    phone.speak(frame);
    hear(decodePcmu(encodePcmu(frame)));
  });
}
