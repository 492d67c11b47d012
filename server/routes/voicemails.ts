/**
 * Voicemail for the signed-in user: the list, "heard", delete and restore, and the audio, from its copy in
 * the database (VOICEMAIL_STORE=database, once copied) or else streamed from Twilio (voicemail/media.ts),
 * with Range support so that the browser's player can seek. Contracts in
 * contracts/api/voicemails.ts.
 */
import { pipeline } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { voicemailAudioRoute, voicemailDeleteRoute, voicemailHeardRoute, voicemailListRoute, voicemailRestoreRoute } from '../../contracts/api/voicemails';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import type { RecordingMedia } from '../voicemail/media';
import { readRange } from '../voicemail/range';
import { byteSlice } from '../voicemail/slice';
import { fromStore } from './store-errors';

const VOICEMAIL = 'Voicemail';
const ID = /^[0-9]{1,18}$/;

export const voicemailRoutes: FastifyPluginAsyncTypebox<{ store: Store; users: UserDirectory; media: RecordingMedia }> = async (app, opts) => {
  const { store, users, media } = opts;
  const signedOut = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 401, 'signed_out', 'You are not signed in.');
  const notFound = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 404, 'not_found', 'There is no such voicemail; it may have been deleted.');
  const badId = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 400, 'bad_request', 'A voicemail id is a number, as GET /api/voicemails gives it.');

  app.route({
    ...voicemailListRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      return fromStore(store, request, reply, VOICEMAIL, async () => ({ items: await store.voicemails.list(user) }));
    },
  });

  app.route({
    ...voicemailHeardRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      if (!ID.test(request.params.id)) return badId(reply);
      const result = await fromStore(store, request, reply, VOICEMAIL, () => store.voicemails.markHeard(user, request.params.id));
      return result === undefined ? notFound(reply) : result;
    },
  });

  app.route({
    ...voicemailDeleteRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      if (!ID.test(request.params.id)) return badId(reply);
      const result = await fromStore(store, request, reply, VOICEMAIL, () => store.voicemails.remove(request.params.id));
      if (result === undefined) return notFound(reply);
      if (!('restorableUntil' in result)) return result;
      request.log.info({ event: 'voicemail-deleted', user, voicemail: result.id }, 'voicemail deleted');
      // Purged as soon as the undo window ends; the job's interval catches it after a restart.
      store.voicemailPurge?.runAt(result.restorableUntil);
      return { id: result.id, restorableUntil: result.restorableUntil.toISOString() };
    },
  });

  app.route({
    ...voicemailRestoreRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      if (!ID.test(request.params.id)) return badId(reply);
      const result = await fromStore(store, request, reply, VOICEMAIL, () => store.voicemails.restore(user, request.params.id));
      if (!('kind' in result)) return result;
      if (result.kind === 'missing') return notFound(reply);
      if (result.kind === 'too-late') return sendError(reply, 409, 'too_late', 'It is too late to undo: the recording has been removed.');
      return result.voicemail;
    },
  });

  /** VOICEMAIL_STORE=database: from its copy, only the bytes asked for read from PostgreSQL. */
  const sendStored = async (id: string, stored: { size: number; contentType: string }, header: string | undefined, reply: FastifyReply) => {
    const range = readRange(header, stored.size);
    reply.header('cache-control', 'private, max-age=3600').header('accept-ranges', 'bytes');
    if (range.kind === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${stored.size}`).send({ error: 'That range is not part of this recording.', code: 'range_not_satisfiable' });
    }
    const [start, end] = range.kind === 'full' ? [0, stored.size - 1] : [range.start, range.end];
    const bytes = stored.size === 0 ? Buffer.alloc(0) : await store.voicemails.storedAudio(id, start, end);
    // Purged between the two reads.
    if (bytes === undefined) return notFound(reply);
    reply.type(stored.contentType).header('content-length', bytes.length);
    if (range.kind === 'full') return reply.code(200).send(bytes);
    return reply.code(206).header('content-range', `bytes ${start}-${end}/${stored.size}`).send(bytes);
  };

  app.route({
    ...voicemailAudioRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      if (!ID.test(request.params.id)) return badId(reply);
      const where = await fromStore(store, request, reply, VOICEMAIL, () => store.voicemails.audioOf(request.params.id));
      if (where === undefined) return notFound(reply);
      if (!('recordingSid' in where)) return where;
      const header = request.headers.range;
      if (where.stored) return sendStored(request.params.id, where.stored, header, reply);
      const sid = where.recordingSid;
      // Only a well-formed single range goes upstream; anything else is judged below against the real size.
      const asked = readRange(header, Number.MAX_SAFE_INTEGER);
      const audio = await media.open(sid, asked.kind === 'partial' ? header : undefined);
      if (audio.kind === 'gone') return notFound(reply);
      if (audio.kind === 'failed') {
        request.log.warn({ event: 'recording-fetch-failed', recordingSid: sid, reason: audio.reason }, 'recording not fetched from Twilio');
        return sendError(reply, 502, 'recording_unavailable', 'The recording could not be fetched from Twilio just now. Try again in a moment.');
      }
      // Private to the signed-in user's browser: it may keep it, no shared cache may.
      reply.header('cache-control', 'private, max-age=3600').header('accept-ranges', 'bytes').type(audio.contentType);
      const unsatisfiable = (contentRange: string) => {
        audio.body.destroy();
        return reply.code(416).header('content-range', contentRange).type('application/json').send({ error: 'That range is not part of this recording.', code: 'range_not_satisfiable' });
      };
      if (audio.status === 416) return unsatisfiable(audio.contentRange ?? 'bytes */*');
      if (audio.status === 206) {
        if (audio.contentRange !== undefined) reply.header('content-range', audio.contentRange);
        if (audio.contentLength !== undefined) reply.header('content-length', audio.contentLength);
        return reply.code(206).send(audio.body);
      }
      // The whole file: as it is, or the range cut out of it here when the upstream ignored the Range.
      const size = audio.contentLength;
      const range = size === undefined ? ({ kind: 'full' } as const) : readRange(header, size);
      if (range.kind === 'unsatisfiable') return unsatisfiable(`bytes */${size}`);
      if (range.kind === 'full') {
        if (size !== undefined) reply.header('content-length', size);
        return reply.code(200).send(audio.body);
      }
      const part = byteSlice(range.start, range.end);
      pipeline(audio.body, part, () => undefined);
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(part);
    },
  });
};
