/**
 * Control API: the recordings <Record> made (contracts/emulator/recordings), their audio for the
 * console's player, and a simulated phone that leaves a message. The console has no credentials, so
 * its player takes the audio from here rather than from the REST media URL.
 */
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { RecordingRoutes, type RecordingView } from '../../contracts/emulator/recordings';
import type { Emulator } from '../emulator';
import { leaveMessage } from '../phones/leave-message';
import { recordingMedia, sendMedia } from '../recordings/media';
import type { Recording } from '../recordings/store';
import { apiError, type ControlScope } from './scope';

export function recordingView(r: Recording): RecordingView {
  return {
    sid: r.sid,
    accountSid: r.accountSid,
    callSid: r.callSid,
    from: r.facts.from,
    to: r.facts.to,
    status: r.status,
    errorCode: r.errorCode,
    source: 'RecordVerb',
    channels: 1,
    startTime: r.startTime.toISOString(),
    durationMs: r.durationMs,
    durationSeconds: r.durationSeconds,
    mediaUrl: r.mediaUrl,
    audioUrl: r.samples ? `${CONTROL_API_PREFIX}/recordings/${r.sid}/audio` : null,
  };
}

export function registerRecordingRoutes(api: ControlScope, emulator: Pick<Emulator, 'recordings' | 'phones' | 'operator'>): void {
  const p = `${CONTROL_API_PREFIX}/recordings`;
  const { recordings } = emulator;
  const missing = (sid: string) => apiError(404, `No recording ${sid}`);

  api.get(p, { schema: RecordingRoutes.list }, async () => recordings.list().map(recordingView));

  api.get(`${p}/:sid`, { schema: RecordingRoutes.get }, async (req, reply) => {
    const r = recordings.get(req.params.sid);
    return r ? recordingView(r) : reply.code(404).send(missing(req.params.sid));
  });

  api.get(`${p}/:sid/audio`, { schema: RecordingRoutes.audio }, async (req, reply) => {
    const r = recordings.get(req.params.sid);
    const media = r ? recordingMedia(r, 'wav') : null;
    if (!media) return reply.code(404).send(r ? apiError(404, `Recording ${r.sid} has no audio (${r.status})`) : missing(req.params.sid));
    return sendMedia(req, reply, await media, 'wav');
  });

  api.delete(`${p}/:sid`, { schema: RecordingRoutes.remove }, async (req, reply) => {
    if (!recordings.remove(req.params.sid)) return reply.code(404).send(missing(req.params.sid));
    return reply.code(204).send(null);
  });

  api.post(`${CONTROL_API_PREFIX}/phones/:number/leave-message`, { schema: RecordingRoutes.leaveMessage }, async (req, reply) => {
    // Fastify has decoded the path already; decoding again keeps an encoded "+" ("%252B") working, as for the other phone routes.
    const call = leaveMessage(emulator, decodeURIComponent(req.params.number), req.body);
    return reply.code(201).send({ callSid: call.sid });
  });
}
