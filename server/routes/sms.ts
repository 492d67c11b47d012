/**
 * Twilio's messaging webhooks, signed like the voice ones (verifyTwilioWebhooks): `/handle_sms`, the team
 * number's SMS URL, stores an inbound message and answers an empty <Response/> once it is committed;
 * `/handle_sms/status`, the statusCallback of texts sent from the app, folds their delivery state in.
 * A 5xx means "not stored": Twilio may try again, and a repeat changes nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { smsStatusWebhookRoute, smsWebhookRoute } from '../../contracts/api/webhooks';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { isMessageStatus, parseErrorCode } from '../messages/rules';
import type { StoredMedia } from '../store/schema';
import type { Store } from '../store/store';
import { asE164 } from '../voice/destination';
import { verifyTwilioWebhooks } from './voice';

/** Twilio attaches at most ten media items to a message. */
const MAX_MEDIA = 10;
const SID = /^(SM|MM)[0-9a-f]{32}$/i;

/** The media Twilio announced (MediaUrlN, MediaContentTypeN); only https URLs are kept. */
export function mediaOf(params: Record<string, string | undefined>): StoredMedia[] {
  const count = Math.min(Number.parseInt(params.NumMedia ?? '0', 10) || 0, MAX_MEDIA);
  const media: StoredMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (url === undefined || !url.startsWith('https://') || url.length > 2000 || url.includes('\u0000')) continue;
    media.push({ url, contentType: (params[`MediaContentType${i}`] ?? 'application/octet-stream').replaceAll('\u0000', '').slice(0, 100) });
  }
  return media;
}

export const smsRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; store: Store }> = async (app, opts) => {
  const { config, store } = opts;
  await verifyTwilioWebhooks(app, config);
  const emptyResponse = new twilio.twiml.MessagingResponse().toString();

  const notStored = (request: FastifyRequest, reply: FastifyReply, sid: string, err: unknown) => {
    request.log.error({ event: 'message-write-failed', messageSid: sid, reason: (err as Error).message }, 'message not stored');
    return sendError(reply, 503, 'store_unavailable', 'The message could not be stored right now; try again.');
  };

  app.route({
    ...smsWebhookRoute,
    handler: async (request, reply) => {
      const params = request.body;
      const from = asE164(params.From);
      if (!SID.test(params.MessageSid) || from === undefined) {
        return sendError(reply, 400, 'bad_request', 'The request names no message SID or sender number this server can store.');
      }
      if (params.To !== config.account.teamNumber) {
        request.log.warn({ event: 'message-for-other-number', messageSid: params.MessageSid }, 'a message for a number that is not the team number');
      }
      // PostgreSQL text cannot hold NUL; Twilio never sends it, a forged or broken request might.
      const body = (params.Body ?? '').replaceAll('\u0000', '').slice(0, 1600);
      try {
        const stored = await store.messages.receive({ sid: params.MessageSid, from, body, media: mediaOf(params) });
        request.log.info({ event: 'message-received', messageSid: params.MessageSid, stored }, 'text message received');
      } catch (err) {
        return notStored(request, reply, params.MessageSid, err);
      }
      return reply.type('text/xml; charset=utf-8').header('cache-control', 'no-store').send(emptyResponse);
    },
  });

  app.route({
    ...smsStatusWebhookRoute,
    handler: async (request, reply) => {
      const { MessageSid: sid, MessageStatus: status, ErrorCode } = request.body;
      if (!SID.test(sid) || !isMessageStatus(status) || status === 'received') {
        return sendError(reply, 400, 'bad_request', 'The callback names no message SID or a status this server does not know.');
      }
      try {
        await store.messages.status(sid, { status, errorCode: parseErrorCode(ErrorCode) }, request.query.ref);
      } catch (err) {
        return notStored(request, reply, sid, err);
      }
      return reply.code(204).send(null);
    },
  });
};
