import { describe, expect, it } from 'vitest';
import { LevelMeter, rmsDbfs, samplesDbfs, SILENT_DBFS } from './level';
import { ToneGenerator } from './synth';

function tone(amplitude: number, n = 2000): Int16Array {
  const out = new Int16Array(n);
  new ToneGenerator({ frequencies: [1000], amplitude }).render(out);
  return out;
}

describe('level', () => {
  it.each([
    ['silence', new Int16Array(160), SILENT_DBFS],
    ['full-scale square', new Int16Array(160).fill(32767), -0.0003],
    ['full-scale sine', tone(1), -3.01],
    ['half-scale sine', tone(0.5), -9.03],
    ['tenth-scale sine', tone(0.1), -23.01],
  ])('%s', (_name, samples, expected) => {
    expect(samplesDbfs(samples)).toBeCloseTo(expected, 1);
  });

  it('treats no samples as silence', () => {
    expect(rmsDbfs(0, 0)).toBe(SILENT_DBFS);
  });

  it('reports the last full window and the loudest one', () => {
    const m = new LevelMeter(2000, 500);
    expect(m.level(0)).toBe(SILENT_DBFS);
    m.push(tone(0.5), 0);
    expect(m.level(10)).toBeCloseTo(-9.03, 1);
    m.push(tone(0.1), 250);
    expect(m.level(260)).toBeCloseTo(-23.01, 1);
    expect(m.peakLevel()).toBeCloseTo(-9.03, 1);
  });

  it('waits for a whole window before reporting', () => {
    const m = new LevelMeter(2000, 500);
    m.push(tone(0.5, 1999), 0);
    expect(m.level(0)).toBe(SILENT_DBFS);
    m.push(tone(0.5, 1), 1);
    expect(m.level(1)).toBeGreaterThan(-20);
  });

  it('reads as silence when packets stop arriving', () => {
    const m = new LevelMeter(2000, 500);
    m.push(tone(0.5), 1000);
    expect(m.level(1400)).toBeGreaterThan(-20);
    expect(m.level(1600)).toBe(SILENT_DBFS);
    expect(m.peakLevel()).toBeGreaterThan(-20);
  });
});
