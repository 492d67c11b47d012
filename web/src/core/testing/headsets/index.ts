/**
 * Real headsets' WebHID collections, transcribed as JSON from public sources named in each file's
 * `source`. Used by the usage finder's table tests, the headset unit tests and the browser tests' fake
 * `navigator.hid`.
 */
import type { HidCollectionLike } from '../../hid-usages';
import gigaset from './gigaset-dongle.json' with { type: 'json' };
import poly from './poly-blackwire-3220.json' with { type: 'json' };
import vbet from './vbet-vt-lync.json' with { type: 'json' };

export interface HeadsetFixture {
  source: { what: string; where: string; transcribed: string; notes: string };
  device: { productName: string; vendorId: number; productId: number; collections: HidCollectionLike[] };
}

export const HEADSET_FIXTURES: Record<string, HeadsetFixture> = {
  'vbet-vt-lync': vbet,
  'poly-blackwire-3220': poly,
  'gigaset-dongle': gigaset,
};
