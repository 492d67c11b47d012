/** Loads a <Play> URL into 8 kHz samples. Plain node:http(s) so a private CA can be trusted. */
import http from 'node:http';
import https from 'node:https';
import { parseWav, resample } from './wav';
import { SAMPLE_RATE } from './synth';

const MAX_BYTES = 50 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface FetchAudioOptions {
  ca?: string;
  timeoutMs?: number;
}

export async function loadAudioUrl(url: string, opts: FetchAudioOptions = {}): Promise<Int16Array> {
  const body = await fetchBytes(new URL(url), opts, 0);
  let audio;
  try {
    audio = parseWav(body);
  } catch (err) {
    throw new Error(`Cannot play ${url}: ${(err as Error).message} (only WAV files are supported)`);
  }
  return resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
}

function fetchBytes(url: URL, opts: FetchAudioOptions, redirects: number): Promise<Buffer> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new Error(`Cannot play ${url.href}: only http and https URLs are supported`));
  }
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { ca: opts.ca, timeout: opts.timeoutMs ?? 15000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        resolve(fetchBytes(new URL(res.headers.location, url), opts, redirects + 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`Cannot play ${url.href}: the server answered HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) {
          req.destroy(new Error(`Cannot play ${url.href}: larger than ${MAX_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Cannot play ${url.href}: no answer in time`)));
    req.on('error', (err) => reject(err.message.startsWith('Cannot play') ? err : new Error(`Cannot play ${url.href}: ${err.message}`)));
  });
}
