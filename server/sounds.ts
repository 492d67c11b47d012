/**
 * The Voice SDK's ringtones, generated here so local mode needs nothing from a CDN: small 8 kHz mono
 * 16-bit PCM WAV files built from sums of sine tones with the standard telephony frequencies.
 */

export const SAMPLE_RATE = 8000;

/** A stretch of sound: the sum of `freqs` (Hz) for `ms` milliseconds; no freqs means silence. */
export interface Segment {
  freqs: number[];
  ms: number;
}

const tone = (freqs: number[], ms: number): Segment => ({ freqs, ms });
const silence = (ms: number): Segment => ({ freqs: [], ms });

/** DTMF row/column frequencies (ITU-T Q.23). */
const DTMF: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477],
};

/** Sound name (as served under /sounds/<name>.wav) → what it plays. */
export const SOUND_PATTERNS: Record<string, Segment[]> = {
  // North American ringback (440 + 480 Hz, 2 s on); the SDK plays at most 3 s of it.
  outgoing: [tone([440, 480], 2000), silence(1000)],
  // A double ring, looped by the SDK while a call is offered.
  incoming: [tone([400, 450], 400), silence(200), tone([400, 450], 400), silence(2000)],
  // Two short high beeps when a call ends.
  disconnect: [tone([480, 620], 150), silence(100), tone([480, 620], 150)],
  // Call waiting: two short 440 Hz beeps in the call's speaker, played once by the tab with the call.
  waiting: [tone([440], 250), silence(200), tone([440], 250)],
  // Music on hold (the conference's holdUrl, looped): slow notes well apart from the tones tests give parties.
  hold: [tone([349.23], 500), tone([392], 500), tone([523.25], 500), tone([349.23, 523.25], 1000), silence(500)],
  ...Object.fromEntries(
    Object.entries(DTMF).map(([digit, freqs]) => [`dtmf-${dtmfSuffix(digit)}`, [tone(freqs, 150), silence(50)]]),
  ),
};

/** The SDK's sound keys use `s` for * and `h` for #. */
function dtmfSuffix(digit: string): string {
  return digit === '*' ? 's' : digit === '#' ? 'h' : digit;
}

/** The `sounds` option for `new Device()`: SDK sound key → URL served by this app. */
export function deviceSoundUrls(prefix = '/sounds'): Record<string, string> {
  const urls: Record<string, string> = {
    incoming: `${prefix}/incoming.wav`,
    outgoing: `${prefix}/outgoing.wav`,
    disconnect: `${prefix}/disconnect.wav`,
  };
  for (const digit of Object.keys(DTMF)) {
    const suffix = dtmfSuffix(digit);
    urls[`dtmf${suffix}`] = `${prefix}/dtmf-${suffix}.wav`;
  }
  return urls;
}

/** 16-bit samples of the pattern, with 5 ms fades so tones start and stop without clicks. */
export function synthesize(segments: Segment[], sampleRate = SAMPLE_RATE, amplitude = 0.3): Int16Array {
  const total = segments.reduce((n, s) => n + Math.round((s.ms * sampleRate) / 1000), 0);
  const out = new Int16Array(total);
  const fade = Math.round(0.005 * sampleRate);
  let offset = 0;
  for (const segment of segments) {
    const n = Math.round((segment.ms * sampleRate) / 1000);
    if (segment.freqs.length > 0) {
      const scale = (amplitude * 32767) / segment.freqs.length;
      for (let i = 0; i < n; i++) {
        const t = i / sampleRate;
        let v = 0;
        for (const f of segment.freqs) v += Math.sin(2 * Math.PI * f * t);
        const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
        out[offset + i] = Math.round(v * scale * Math.max(0, envelope));
      }
    }
    offset += n;
  }
  return out;
}

/** A RIFF/WAVE file (PCM, mono, 16-bit little-endian). */
export function encodeWav(samples: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i]!, 44 + i * 2);
  return buf;
}

export function soundNames(): string[] {
  return Object.keys(SOUND_PATTERNS);
}

/** The WAV file for a sound name, or undefined for an unknown name. */
export function renderSound(name: string): Buffer | undefined {
  const pattern = Object.hasOwn(SOUND_PATTERNS, name) ? SOUND_PATTERNS[name] : undefined;
  return pattern ? encodeWav(synthesize(pattern)) : undefined;
}
