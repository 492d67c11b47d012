/** RFC 4733 telephone-events: how DTMF digits travel inside the RTP stream. */

const DIGITS = '0123456789*#ABCD';

/** Event code for a DTMF digit (0-9, *, #, A-D), or null for anything else. */
export function digitToEvent(digit: string): number | null {
  if (digit.length !== 1) return null;
  const i = DIGITS.indexOf(digit.toUpperCase());
  return i < 0 ? null : i;
}

export function eventToDigit(event: number): string | null {
  return event >= 0 && event < DIGITS.length ? DIGITS[event]! : null;
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Attenuation in dBm0, 0-63 (RFC 4733 "volume"). */
  volume: number;
  /** Duration so far, in RTP timestamp units. */
  duration: number;
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | null {
  if (payload.length < 4) return null;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

export function buildTelephoneEvent(e: TelephoneEvent): Buffer {
  const b = Buffer.alloc(4);
  b[0] = e.event & 0xff;
  b[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  b.writeUInt16BE(Math.min(0xffff, Math.max(0, e.duration)), 2);
  return b;
}

/**
 * Turns a stream of telephone-event packets into digits, one per event. An event is identified by
 * its RTP timestamp (all packets of one key press share it), so the interim updates and the
 * repeated end packets of one press count once, while two presses of the same key count twice.
 */
export class TelephoneEventDetector {
  private lastKey: string | null = null;

  /** Returns the digit when this packet starts a new event, otherwise null. */
  push(ssrc: number, timestamp: number, payload: Uint8Array): string | null {
    const te = parseTelephoneEvent(payload);
    if (!te) return null;
    const digit = eventToDigit(te.event);
    if (digit === null) return null;
    const key = `${ssrc}:${timestamp}`;
    if (key === this.lastKey) return null;
    this.lastKey = key;
    return digit;
  }
}

export interface PlannedEventPacket {
  payload: Buffer;
  /** Set on the first packet of an event (RFC 4733 section 2.5.1.1). */
  marker: boolean;
}

/**
 * The packets of one key press, one per frame tick: growing durations while the key is held,
 * then the end packet sent three times so that one lost packet cannot lose the release.
 */
export function planTelephoneEvent(
  event: number,
  durationMs: number,
  frameSamples = 160,
  sampleRate = 8000,
  volume = 10,
): PlannedEventPacket[] {
  const total = Math.max(frameSamples, Math.round((durationMs * sampleRate) / 1000 / frameSamples) * frameSamples);
  const packets: PlannedEventPacket[] = [];
  for (let d = frameSamples; d < total; d += frameSamples) {
    packets.push({ payload: buildTelephoneEvent({ event, end: false, volume, duration: d }), marker: d === frameSamples });
  }
  for (let i = 0; i < 3; i++) {
    packets.push({ payload: buildTelephoneEvent({ event, end: true, volume, duration: total }), marker: packets.length === 0 });
  }
  return packets;
}

/** One frame tick of a digit string being sent: a telephone-event packet, or nothing (a gap). */
export type DigitStep = { kind: 'event'; packet: PlannedEventPacket; first: boolean } | { kind: 'gap' };

const DTMF_TONE_MS = 160;
const DTMF_GAP_TICKS = 5; // 100 ms between digits
const DTMF_PAUSE_TICKS = 25; // "w": 500 ms, as in Twilio's sendDigits

/**
 * The frame ticks of sending `digits` (0-9, *, #, A-D; "w" waits half a second): each key is
 * held 160 ms and followed by 100 ms of nothing. Throws on any other character.
 */
export function planDigits(digits: string): DigitStep[] {
  const steps: DigitStep[] = [];
  for (const d of digits) {
    if (d === 'w' || d === 'W') {
      for (let i = 0; i < DTMF_PAUSE_TICKS; i++) steps.push({ kind: 'gap' });
      continue;
    }
    const event = digitToEvent(d);
    if (event === null) throw new Error(`Cannot send DTMF ${JSON.stringify(d)}: use 0-9, *, #, A-D or w`);
    planTelephoneEvent(event, DTMF_TONE_MS).forEach((packet, i) => steps.push({ kind: 'event', packet, first: i === 0 }));
    for (let i = 0; i < DTMF_GAP_TICKS; i++) steps.push({ kind: 'gap' });
  }
  return steps;
}
