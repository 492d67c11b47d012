/**
 * A recording's media as the REST API and the console serve it: WAV (PCM 16-bit, 8 kHz, mono, what
 * Twilio serves for <Record>) or MP3, encoded once and kept with the recording, sent whole or as the
 * one byte range a player asked for.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SAMPLE_RATE } from '../media/synth';
import { buildWav } from '../media/wav';
import { encodeMp3 } from './mp3';
import { parseRange } from './range';
import type { Recording } from './store';

export type MediaFormat = 'wav' | 'mp3';

const CONTENT_TYPE: Record<MediaFormat, string> = { wav: 'audio/x-wav', mp3: 'audio/mpeg' };

/** The recording's audio in this format; null when it has none (in progress, absent). */
export function recordingMedia(recording: Recording, format: MediaFormat): Promise<Buffer> | null {
  const samples = recording.samples;
  if (!samples) return null;
  let media = recording.encoded.get(format);
  if (!media) {
    media = format === 'wav' ? Promise.resolve(buildWav(samples, SAMPLE_RATE)) : encodeMp3(samples);
    recording.encoded.set(format, media);
    media.catch(() => recording.encoded.delete(format));
  }
  return media;
}

/** Sends `body` (whole, or the requested byte range); `notFound` answers when there is no media. */
export async function sendMedia(req: FastifyRequest, reply: FastifyReply, body: Buffer, format: MediaFormat): Promise<FastifyReply> {
  reply.header('Accept-Ranges', 'bytes').header('Content-Type', CONTENT_TYPE[format]).header('Cache-Control', 'private, max-age=0');
  const range = parseRange(req.headers.range, body.length);
  if (range.kind === 'unsatisfiable') {
    return reply.code(416).header('Content-Range', `bytes */${body.length}`).send(Buffer.alloc(0));
  }
  if (range.kind === 'full') return reply.code(200).header('Content-Length', body.length).send(body);
  return reply.code(206)
    .header('Content-Range', `bytes ${range.start}-${range.end}/${body.length}`)
    .header('Content-Length', range.end - range.start + 1)
    .send(body.subarray(range.start, range.end + 1));
}
