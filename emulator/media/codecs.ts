/**
 * What every leg negotiates: PCMU (G.711 mu-law) and RFC 4733 telephone-events at 8 kHz, so that
 * generating, measuring and relaying audio never needs a transcoder.
 */
import { RTCRtpCodecParameters, type RTCRtpTransceiver } from 'werift';

export const PCMU_PAYLOAD_TYPE = 0;
/** Our telephone-event payload type when we offer; when answering we use the offerer's. */
export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;

export function peerCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: PCMU_PAYLOAD_TYPE }),
    new RTCRtpCodecParameters({
      mimeType: 'audio/telephone-event',
      clockRate: 8000,
      channels: 1,
      payloadType: TELEPHONE_EVENT_PAYLOAD_TYPE,
      parameters: '0-16',
    }),
  ];
}

/** The negotiated 8 kHz telephone-event payload type, if the peer has one. */
export function telephoneEventPayloadType(transceiver: RTCRtpTransceiver): number | null {
  const c = transceiver.codecs.find((x) => x.name.toLowerCase() === 'telephone-event' && x.clockRate === 8000);
  return c ? c.payloadType : null;
}

/** Offers list telephone-event at every clock rate; PCMU pairs with the 8 kHz one only. */
export function keepNarrowbandEvents(transceiver: RTCRtpTransceiver): void {
  const codecs = transceiver.codecs;
  const kept = codecs.filter((c) => c.name.toLowerCase() !== 'telephone-event' || c.clockRate === 8000);
  if (kept.length !== codecs.length) transceiver.codecs = kept;
  if (!kept.some((c) => c.payloadType === PCMU_PAYLOAD_TYPE && c.name.toUpperCase() === 'PCMU')) {
    throw new Error('The offer does not include PCMU (G.711 mu-law), the only codec this emulator speaks');
  }
}
