/**
 * GET /api/messages/:id/media/:n: a picture of an inbound message, fetched from Twilio on the server
 * (messages/media.ts) for signed-in users only. Only this account's media on the configured REST origin is
 * fetched, whatever URL a webhook stored; pictures are served as their own type, anything else as an
 * attachment, and never as something the browser would run (no sniffing, no scripts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { messageMediaRoute } from '../../contracts/api/messages';
import { sendError } from '../http-errors';
import { accountMediaUrl, pictureType } from '../messages/media';
import type { MessageMedia } from '../messages/media';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { fromStore } from './store-errors';

const ID = /^[0-9]{1,18}$/;
const INDEX = /^[0-9]$/;

export const messageMediaRoutes: FastifyPluginAsyncTypebox<{ store: Store; users: UserDirectory; media: MessageMedia }> = async (app, opts) => {
  const { store, users, media } = opts;

  app.route({
    ...messageMediaRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      const { id } = request.params;
      if (!ID.test(id) || !INDEX.test(request.params.n)) return sendError(reply, 400, 'bad_request', 'A message id is a number and a media index 0 to 9, as the message lists them.');
      const items = await fromStore(store, request, reply, 'Text messages', () => store.messages.mediaOf(id));
      if (items !== undefined && !Array.isArray(items)) return items;
      const n = Number(request.params.n);
      const item = items?.[n];
      if (item === undefined) return sendError(reply, 404, 'not_found', 'There is no such picture.');
      const url = accountMediaUrl(item.url, media.origin, media.accountSid);
      if (url === undefined) {
        request.log.warn({ event: 'message-media-refused', messageId: id, n }, 'stored media URL is not this account’s Twilio media');
        return sendError(reply, 404, 'refused', 'This picture is not stored with the team’s Twilio account.');
      }
      const result = await media.fetch(url);
      if (result.kind === 'gone') return sendError(reply, 404, 'not_found', 'The picture is no longer on Twilio.');
      if (result.kind === 'too-large') return sendError(reply, 413, 'too_large', 'This file is larger than a picture message can be.');
      if (result.kind === 'failed') {
        request.log.warn({ event: 'message-media-failed', messageId: id, reason: result.reason }, 'message media not fetched from Twilio');
        return sendError(reply, 502, 'media_unavailable', 'The picture could not be fetched from Twilio just now. Try again in a moment.');
      }
      // Twilio's answer decides; a stored type naming a picture does not make other bytes one.
      const type = pictureType(result.contentType);
      reply
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox");
      if (type === undefined) {
        reply.header('content-disposition', `attachment; filename="attachment-${id}-${n}"`);
      }
      return reply.type(type ?? 'application/octet-stream').send(result.body);
    },
  });
};
