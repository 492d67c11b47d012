/** Loads a <Play> URL into 8 kHz samples. */
import { fetchUrl } from '../http-fetch';
import { parseWav, resample } from './wav';
import { SAMPLE_RATE } from './synth';

const MAX_BYTES = 50 * 1024 * 1024;

export interface FetchAudioOptions {
  ca?: string;
  timeoutMs?: number;
}

export async function loadAudioUrl(url: string, opts: FetchAudioOptions = {}): Promise<Int16Array> {
  let body: Buffer;
  try {
    body = (await fetchUrl(url, { ...opts, maxBytes: MAX_BYTES })).body;
  } catch (err) {
    throw new Error(`Cannot play ${(err as Error).message}`);
  }
  let audio;
  try {
    audio = parseWav(body);
  } catch (err) {
    throw new Error(`Cannot play ${url}: ${(err as Error).message} (only WAV files are supported)`);
  }
  return resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
}
