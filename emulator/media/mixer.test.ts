import { describe, expect, it } from 'vitest';
import { InBandDigitDetector, InBandDigits } from './dtmf-inband';
import { beep, HOLD_MUSIC_MAX_HZ, holdMusic } from './hold-music';
import { JitterBuffer } from './jitter';
import { FULL_SCALE, LIMIT_THRESHOLD, mixFrame, softLimit, type MixPart } from './mixer';
import { hasTone, tonesIn } from './spectrum';
import { ToneGenerator } from './synth';

const N = 160;
const frame = (value: number) => new Int16Array(N).fill(value);
const outsFor = (parts: MixPart[]) => parts.map(() => new Int16Array(N));

function tone(hz: number, amplitude = 0.5, n = 2048): Int16Array {
  const out = new Int16Array(n);
  new ToneGenerator({ frequencies: [hz], amplitude }).render(out);
  return out;
}

/** Mixes whole signals frame by frame, as the conference does on its clock. */
function mixSignals(voices: (Int16Array | null)[], hears: ('room' | Int16Array | null)[]): Int16Array[] {
  const length = Math.max(...voices.map((v) => v?.length ?? 0), ...hears.map((h) => (h instanceof Int16Array ? h.length : 0)));
  const heard = voices.map(() => new Int16Array(length));
  for (let at = 0; at + N <= length; at += N) {
    const parts: MixPart[] = voices.map((v, i) => {
      const h = hears[i]!;
      return { voice: v ? v.subarray(at, at + N) : null, hears: h instanceof Int16Array ? h.subarray(at, at + N) : h };
    });
    const outs = outsFor(parts);
    mixFrame(parts, null, outs);
    outs.forEach((o, i) => heard[i]!.set(o, at));
  }
  return heard;
}

describe('soft limiter', () => {
  it('is exact up to the threshold and bounded by full scale', () => {
    for (const x of [0, 1, -1, 1000, -12345, LIMIT_THRESHOLD, -LIMIT_THRESHOLD]) expect(softLimit(x)).toBe(x);
    for (const x of [LIMIT_THRESHOLD + 1, 40000, 100000, 1e9]) {
      expect(softLimit(x)).toBeLessThanOrEqual(FULL_SCALE);
      expect(softLimit(-x)).toBeGreaterThanOrEqual(-FULL_SCALE);
      expect(softLimit(x)).toBeGreaterThan(LIMIT_THRESHOLD);
    }
  });

  it('is monotonic: louder in is never quieter out', () => {
    let previous = -Infinity;
    let falls = 0;
    for (let x = -200000; x <= 200000; x += 97) {
      const y = softLimit(x);
      if (y < previous) falls++;
      previous = y;
    }
    expect(falls).toBe(0);
  });
});

describe('mixFrame', () => {
  it('each participant hears the sum of the others, never itself', () => {
    const parts: MixPart[] = [
      { voice: frame(100), hears: 'room' },
      { voice: frame(20), hears: 'room' },
      { voice: frame(3), hears: 'room' },
    ];
    const outs = outsFor(parts);
    mixFrame(parts, null, outs);
    expect([outs[0]![0], outs[1]![0], outs[2]![0]]).toEqual([23, 103, 120]);
  });

  it('three loud voices saturate smoothly instead of wrapping around', () => {
    const parts: MixPart[] = [frame(20000), frame(20000), frame(20000), frame(-20000)].map((v) => ({ voice: v, hears: 'room' as const }));
    const outs = outsFor(parts);
    mixFrame(parts, null, outs);
    expect(outs[3]![0]).toBeGreaterThan(LIMIT_THRESHOLD); // 60000 in
    expect(outs[3]![0]).toBeLessThanOrEqual(FULL_SCALE);
    expect(outs[0]![0]).toBe(20000); // 20000 + 20000 - 20000: below the threshold, exact
  });

  it('a muted or held participant (no voice) is not heard; held hears its program, not the room', () => {
    const music = frame(7);
    const parts: MixPart[] = [
      { voice: frame(100), hears: 'room' },
      { voice: null, hears: 'room' }, // muted: hears everyone, nobody hears it
      { voice: null, hears: music }, // held: hears only the music
    ];
    const outs = outsFor(parts);
    mixFrame(parts, null, outs);
    expect([outs[0]![0], outs[1]![0], outs[2]![0]]).toEqual([0, 100, 7]);
  });

  it('beeps and announcements go on top: the room overlay to the room, a participant overlay to one', () => {
    const parts: MixPart[] = [
      { voice: frame(10), hears: 'room', overlay: frame(1000) },
      { voice: frame(20), hears: 'room' },
      { voice: null, hears: frame(5) },
      { voice: null, hears: null },
    ];
    const outs = outsFor(parts);
    mixFrame(parts, frame(300), outs);
    expect(outs.map((o) => o[0])).toEqual([1320, 310, 5, 0]);
  });

  it('a coach is heard only by the participant it coaches', () => {
    const parts: MixPart[] = [
      { voice: frame(100), hears: 'room' }, // customer
      { voice: frame(20), hears: 'room' }, // agent
      { voice: frame(3), hears: 'room', voiceOnlyTo: 1 }, // supervisor whispering to the agent
    ];
    const outs = outsFor(parts);
    mixFrame(parts, null, outs);
    expect(outs.map((o) => o[0])).toEqual([20, 103, 120]);
  });

  it('by frequency: three tones, each party hears the other two; a held party hears only music', () => {
    const voices = [tone(440), tone(660), tone(880)];
    const [a, b, c] = mixSignals(voices, ['room', 'room', 'room']);
    const heard = (s: Int16Array) => tonesIn(s, { floorDbfs: -40 });
    expect([hasTone(heard(a!), 440), hasTone(heard(a!), 660), hasTone(heard(a!), 880)]).toEqual([false, true, true]);
    expect([hasTone(heard(b!), 440), hasTone(heard(b!), 660), hasTone(heard(b!), 880)]).toEqual([true, false, true]);
    expect([hasTone(heard(c!), 440), hasTone(heard(c!), 660), hasTone(heard(c!), 880)]).toEqual([true, true, false]);
    // Two half-scale tones peak at full scale: the limiter touches the peaks, the tones stay about -9 dBFS.
    for (const t of heard(a!)) expect(t.dbfs).toBeGreaterThan(-12);

    const music = holdMusic().subarray(0, 2048);
    const [x, y, held] = mixSignals([tone(440), tone(660), null], ['room', 'room', music]);
    expect(hasTone(heard(held!), 440) || hasTone(heard(held!), 660)).toBe(false);
    expect(heard(held!).length).toBeGreaterThan(0);
    expect(hasTone(heard(x!), 660) && !hasTone(heard(x!), 440)).toBe(true);
    expect(hasTone(heard(y!), 440) && !hasTone(heard(y!), 660)).toBe(true);
  });
});

/** A voice with a key pressed 60 ms in, as a conference leg adds the key's tones frame by frame. */
function voiceWithKey(hz: number, key: string): Int16Array {
  const voice = tone(hz, 0.3);
  const keys = new InBandDigits();
  for (let at = 0; at + N <= voice.length; at += N) {
    if (at === 3 * N) keys.push(key);
    keys.addTo(voice.subarray(at, at + N));
  }
  return voice;
}

function digitsIn(signal: Int16Array): string {
  const detector = new InBandDigitDetector();
  let digits = '';
  for (let at = 0; at + N <= signal.length; at += N) digits += detector.push(signal.subarray(at, at + N)) ?? '';
  return digits;
}

describe('DTMF in a conference', () => {
  it('a key is heard by the others as its two tones (1: 697 + 1209 Hz), never by the presser', () => {
    // Party tones well clear of the DTMF rows (a loud 880 Hz sits 28 Hz from the 852 Hz row: no 20 ms receiver parts them).
    const [presser, other, third] = mixSignals([voiceWithKey(620, '1'), tone(440, 0.3), tone(500, 0.3)], ['room', 'room', 'room']);
    const heard = (s: Int16Array) => tonesIn(s, { floorDbfs: -40 });
    for (const s of [other!, third!]) {
      expect([hasTone(heard(s), 697), hasTone(heard(s), 1209), hasTone(heard(s), 620)]).toEqual([true, true, true]);
      expect(digitsIn(s)).toBe('1');
    }
    expect([hasTone(heard(presser!), 697), hasTone(heard(presser!), 1209)]).toEqual([false, false]);
    expect(digitsIn(presser!)).toBe('');
  });

  it('a held or muted presser is not heard, so neither is the key: the room hears what it hears of the voice', () => {
    // The conference gives the mixer no voice for a held or muted participant: its keys go with it.
    const music = holdMusic().subarray(0, 2048);
    const [held, other] = mixSignals([null, tone(440, 0.3)], [music, 'room']);
    expect(digitsIn(other!)).toBe('');
    expect(hasTone(tonesIn(other!, { floorDbfs: -40 }), 697)).toBe(false);
    expect(digitsIn(held!)).toBe('');
  });
});

describe('hold music and beeps', () => {
  it('the music stays below HOLD_MUSIC_MAX_HZ, so it never looks like a party\'s tone', () => {
    const music = holdMusic();
    expect(music.length).toBe(8 * 8000);
    for (let at = 0; at + 2048 <= music.length; at += 2048) {
      const found = tonesIn(music.subarray(at, at + 2048), { floorDbfs: -45 });
      expect(found.length).toBeGreaterThan(0);
      for (const t of found) expect(t.hz).toBeLessThan(HOLD_MUSIC_MAX_HZ);
    }
  });

  it('enter and exit beeps are short tones of their own', () => {
    expect(hasTone(tonesIn(beep('enter')), 1000)).toBe(true);
    expect(hasTone(tonesIn(beep('exit')), 1250)).toBe(true);
    expect(beep('enter').length).toBe(1600);
  });
});

describe('jitter buffer', () => {
  it('fills to its target before playing, then plays frame by frame', () => {
    const jb = new JitterBuffer(320, 960);
    const out = new Int16Array(N);
    jb.push(frame(1));
    expect(jb.pull(out)).toBe(false);
    expect(out[0]).toBe(0);
    jb.push(frame(2));
    expect(jb.pull(out)).toBe(true);
    expect(out[0]).toBe(1);
    expect(jb.pull(out)).toBe(true);
    expect(out[0]).toBe(2);
  });

  it('refills after an underrun and drops the oldest audio when the sender runs ahead', () => {
    const jb = new JitterBuffer(320, 960);
    const out = new Int16Array(N);
    jb.push(frame(1));
    jb.push(frame(2));
    jb.pull(out);
    jb.pull(out);
    expect(jb.pull(out)).toBe(false);
    expect(jb.underruns).toBe(1);
    for (let i = 0; i < 10; i++) jb.push(frame(10 + i));
    expect(jb.depth).toBeLessThanOrEqual(960);
    expect(jb.dropped).toBeGreaterThan(0);
    jb.pull(out);
    // What is left is the newest audio: the last frames pushed.
    expect(out[0]).toBeGreaterThanOrEqual(14);
  });
});
