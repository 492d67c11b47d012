import { describe, expect, it } from 'vitest';
import { InBandDigitDetector, InBandDigits, IN_BAND_TONE_MS, keyIn } from './dtmf-inband';
import { beep, holdMusic } from './hold-music';
import { DTMF_FREQUENCIES, dtmfTone, renderSpeech, ToneGenerator } from './synth';

const N = 160;

function framesOf(signal: Int16Array): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at + N <= signal.length; at += N) frames.push(signal.subarray(at, at + N));
  return frames;
}

function detect(signal: Int16Array): string {
  const detector = new InBandDigitDetector();
  return framesOf(signal).map((f) => detector.push(f) ?? '').join('');
}

function tone(hz: number[], ms: number, amplitude = 0.5): Int16Array {
  const out = new Int16Array((ms * 8000) / 1000);
  new ToneGenerator({ frequencies: hz, amplitude }).render(out);
  return out;
}

const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

describe('in-band DTMF detection', () => {
  it.each(Object.keys(DTMF_FREQUENCIES))('finds key %s in a 100 ms press', (key) => {
    expect(detect(concat(new Int16Array(400), dtmfTone(key, 100), new Int16Array(800)))).toBe(key);
  });

  it('one long press is one digit; two presses of a key are two; a press under a voice still counts', () => {
    expect(detect(dtmfTone('5', 600))).toBe('5');
    const gap = new Int16Array(480);
    expect(detect(concat(dtmfTone('9', 100), gap, dtmfTone('9', 100), gap, dtmfTone('#', 100)))).toBe('99#');
    const voice = tone([500], 200, 0.3);
    const press = concat(new Int16Array(400), dtmfTone('3', 120), new Int16Array(80));
    expect(detect(voice.map((v, i) => Math.max(-32768, Math.min(32767, v + press[i]!))))).toBe('3');
  });

  it('is not fooled by party tones, a chord of two rows, hold music, beeps, speech or silence', () => {
    for (const hz of [[440], [500], [620], [880], [1000], [697], [1209], [697, 770], [440, 480]]) {
      expect(detect(tone(hz, 500)), `${hz.join('+')} Hz`).toBe('');
    }
    expect(detect(holdMusic().subarray(0, 8000 * 3))).toBe('');
    expect(detect(concat(beep('enter'), beep('exit')))).toBe('');
    expect(detect(renderSpeech('This call may be recorded for quality purposes, 1 2 3.'))).toBe('');
    expect(keyIn(new Int16Array(N))).toBeNull();
  });

  it('a quiet press (below -40 dBFS) is not a key, nor a press whose tones differ by more than 8 dB', () => {
    expect(detect(dtmfTone('1', 200).map((s) => Math.round(s / 200)))).toBe('');
    const row = tone([697], 200, 0.5);
    const weakColumn = tone([1209], 200, 0.1);
    expect(detect(row.map((s, i) => s + weakColumn[i]!))).toBe('');
  });
});

describe('regenerated key presses', () => {
  it('sound one after another, each for IN_BAND_TONE_MS, on top of the voice', () => {
    const keys = new InBandDigits();
    keys.push('1');
    keys.push('2');
    keys.push('x');
    const signal = new Int16Array(8000);
    for (const f of framesOf(signal)) keys.addTo(f);
    expect(keys.pending).toBe(false);
    expect(detect(signal)).toBe('12');
    const loud = signal.findIndex((s, i) => i > 0 && s === 0 && signal[i - 1] === 0 && signal[i + 1] === 0);
    expect(loud / 8).toBeGreaterThanOrEqual(IN_BAND_TONE_MS - 1);
  });
});
