/**
 * Joins two legs of a call the way a media edge does: each leg's received RTP (audio and
 * telephone-events) is sent on as the other leg's stream, untouched except for the header
 * (SSRC, sequence, timestamp, payload type), since both legs speak PCMU.
 */
import type { Bridge, MediaLeg } from './types';
import { WeriftMediaLeg } from './leg';

export function bridge(a: MediaLeg, b: MediaLeg): Bridge {
  if (!(a instanceof WeriftMediaLeg) || !(b instanceof WeriftMediaLeg)) {
    throw new Error('Only legs made by createMediaLeg can be bridged');
  }
  if (a === b) throw new Error('A leg cannot be bridged to itself');
  for (const leg of [a, b]) {
    if (leg.relayTarget) throw new Error(`Media leg ${leg.id} is already bridged`);
  }
  a.relayTarget = b;
  b.relayTarget = a;
  a.bridged = true;
  b.bridged = true;
  let joined = true;
  const unbridge = () => {
    if (!joined) return;
    joined = false;
    a.off('closed', unbridge);
    b.off('closed', unbridge);
    for (const leg of [a, b]) {
      leg.relayTarget = null;
      leg.bridged = false;
      leg.stopPlayback();
    }
  };
  // A leg that goes away ends the bridge, so the survivor falls back to its own (silent) stream.
  a.once('closed', unbridge);
  b.once('closed', unbridge);
  return { unbridge };
}
