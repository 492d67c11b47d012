import { describe, expect, it } from 'vitest';
import { decodePcmu, encodePcmu, muLawDecode, muLawEncode, PCMU_SILENCE } from './g711';

describe('mu-law', () => {
  // Reference values from ITU-T G.711 (and every other implementation of it).
  it.each([
    [0, 0xff],
    [-1, 0x7f],
    [1, 0xff],
    [8, 0xfe],
    [32767, 0x80],
    [-32768, 0x00],
    [1000, 0xce],
    [-1000, 0x4e],
  ])('encodes %i as byte %i', (sample, byte) => {
    expect(muLawEncode(sample)).toBe(byte);
  });

  it.each([
    [0xff, 0],
    [0x7f, 0],
    [0x80, 32124],
    [0x00, -32124],
    [0xce, 988],
    [0x4e, -988],
  ])('decodes byte %i as %i', (byte, sample) => {
    expect(muLawDecode(byte)).toBe(sample);
  });

  it('round-trips every code exactly', () => {
    for (let b = 0; b < 256; b++) {
      const decoded = muLawDecode(b);
      // 0x7f is "negative zero"; it decodes to 0, which encodes as 0xff.
      expect(muLawEncode(decoded)).toBe(b === 0x7f ? 0xff : b);
    }
  });

  it.each([100, 1000, 5000, 20000, -300, -12000])('keeps %i within the segment step', (sample) => {
    const back = muLawDecode(muLawEncode(sample));
    expect(Math.abs(back - sample)).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) / 16));
  });

  it('encodes and decodes frames', () => {
    const frame = Int16Array.from([0, 1000, -1000, 32767]);
    const encoded = encodePcmu(frame);
    expect([...encoded]).toEqual([PCMU_SILENCE, 0xce, 0x4e, 0x80]);
    expect([...decodePcmu(encoded)]).toEqual([0, 988, -988, 32124]);
  });
});
