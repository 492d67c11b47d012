import { describe, expect, it } from 'vitest';
import {
  buildTelephoneEvent,
  digitToEvent,
  eventToDigit,
  parseTelephoneEvent,
  planDigits,
  planTelephoneEvent,
  TelephoneEventDetector,
} from './rfc4733';

describe('RFC 4733 telephone-events', () => {
  it.each([
    ['0', 0], ['5', 5], ['9', 9], ['*', 10], ['#', 11], ['A', 12], ['d', 15], ['x', null], ['12', null], ['', null],
  ])('digit %j is event %j', (digit, event) => {
    expect(digitToEvent(digit)).toBe(event);
  });

  it.each([[0, '0'], [10, '*'], [11, '#'], [15, 'D'], [16, null], [-1, null]])('event %i is %j', (event, digit) => {
    expect(eventToDigit(event)).toBe(digit);
  });

  it.each([
    [{ event: 1, end: false, volume: 10, duration: 160 }, [0x01, 0x0a, 0x00, 0xa0]],
    [{ event: 11, end: true, volume: 63, duration: 1280 }, [0x0b, 0xbf, 0x05, 0x00]],
    [{ event: 0, end: true, volume: 0, duration: 65535 }, [0x00, 0x80, 0xff, 0xff]],
  ])('builds and parses %j', (te, bytes) => {
    expect([...buildTelephoneEvent(te)]).toEqual(bytes);
    expect(parseTelephoneEvent(Uint8Array.from(bytes))).toEqual(te);
  });

  it('rejects short payloads', () => {
    expect(parseTelephoneEvent(Uint8Array.from([1, 2, 3]))).toBeNull();
  });

  it('plans growing durations then three end packets, marker on the first only', () => {
    const plan = planTelephoneEvent(5, 100);
    const parsed = plan.map((p) => ({ ...parseTelephoneEvent(p.payload)!, marker: p.marker }));
    expect(parsed.map((p) => p.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(parsed.map((p) => p.end)).toEqual([false, false, false, false, true, true, true]);
    expect(parsed.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(new Set(parsed.map((p) => p.event))).toEqual(new Set([5]));
  });

  it('plans at least one frame for very short presses', () => {
    const plan = planTelephoneEvent(1, 1);
    expect(plan).toHaveLength(3);
    expect(plan[0]!.marker).toBe(true);
    expect(parseTelephoneEvent(plan[2]!.payload)).toMatchObject({ end: true, duration: 160 });
  });

  describe('detector', () => {
    const pkt = (event: number, end: boolean, duration: number) => buildTelephoneEvent({ event, end, volume: 10, duration });

    it('hears each press once despite updates and repeated end packets', () => {
      const d = new TelephoneEventDetector();
      const heard = [
        d.push(1, 1000, pkt(1, false, 160)),
        d.push(1, 1000, pkt(1, false, 320)),
        d.push(1, 1000, pkt(1, true, 800)),
        d.push(1, 1000, pkt(1, true, 800)),
        d.push(1, 1000, pkt(1, true, 800)),
        // The same key again is a new event: a new timestamp.
        d.push(1, 3000, pkt(1, false, 160)),
        d.push(1, 3000, pkt(1, true, 800)),
        d.push(1, 5000, pkt(11, true, 800)), // only the end packets survived
        d.push(1, 5000, pkt(11, true, 800)),
      ].filter(Boolean);
      expect(heard).toEqual(['1', '1', '#']);
    });

    it('tells streams apart by SSRC', () => {
      const d = new TelephoneEventDetector();
      expect(d.push(1, 1000, pkt(2, false, 160))).toBe('2');
      expect(d.push(2, 1000, pkt(2, false, 160))).toBe('2');
    });

    it('ignores unknown events and garbage', () => {
      const d = new TelephoneEventDetector();
      expect(d.push(1, 1000, pkt(32, false, 160))).toBeNull();
      expect(d.push(1, 2000, Uint8Array.from([1]))).toBeNull();
    });
  });

  describe('planDigits (sendDigits)', () => {
    const shape = (digits: string) => planDigits(digits).map((s) => (s.kind === 'gap' ? '.' : s.first ? 'E' : 'e')).join('');

    it.each([
      // Held 160 ms: 7 packets of growing duration, the end packet three times, then 100 ms (5 ticks) of nothing.
      ['1', 'Eeeeeeeeee.....'],
      ['w', '.'.repeat(25)],
      ['1w#', 'Eeeeeeeeee.....' + '.'.repeat(25) + 'Eeeeeeeeee.....'],
      ['', ''],
    ])('%j plays as %s', (digits, expected) => {
      expect(shape(digits)).toBe(expected);
    });

    it('carries the digit in every packet of its key press', () => {
      const events = planDigits('#').flatMap((s) => (s.kind === 'event' ? [parseTelephoneEvent(s.packet.payload)!.event] : []));
      expect(new Set(events)).toEqual(new Set([11]));
    });

    it('refuses what is not a key', () => {
      expect(() => planDigits('1x')).toThrow('Cannot send DTMF "x": use 0-9, *, #, A-D or w');
    });
  });
});
