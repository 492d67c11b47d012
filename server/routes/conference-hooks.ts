/**
 * Twilio's callbacks about calls in conferences (contracts/api/conference-webhooks.ts): signed like every
 * webhook, applied to the live call, and acknowledged only once its live-call event is committed (a 503
 * makes Twilio retry; applying the same callback again changes nothing).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { conferenceCallbackRoute, conferenceLegCallbackRoute } from '../../contracts/api/conference-webhooks';
import type { CallControl } from '../calls/control';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import type { Store } from '../store/store';
import { isUnavailable } from '../store/database';
import { verifyTwilioWebhooks } from './voice';

/** A leg's call status that means it is over, answered or not. */
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export const conferenceHookRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; store: Store; control: CallControl }> = async (app, opts) => {
  const { control } = opts;
  await verifyTwilioWebhooks(app, opts.config);

  async function acknowledged(request: FastifyRequest, reply: FastifyReply, run: () => Promise<void>) {
    try {
      await run();
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      request.log.error({ event: 'conference-callback-not-stored', reason: (err as Error).message }, 'conference callback not stored');
      return sendError(reply, 503, 'store_unavailable', 'The change could not be stored; send it again.');
    }
    return reply.code(204).send(null);
  }

  app.route({
    ...conferenceCallbackRoute,
    handler: async (request, reply) => {
      const p = request.body;
      request.log.info({ event: 'conference-status', conference: p.FriendlyName, what: p.StatusCallbackEvent, callSid: p.CallSid, reason: p.ReasonParticipantLeft }, 'conference status');
      return acknowledged(request, reply, () => control.conferenceEvent(p));
    },
  });

  app.route({
    ...conferenceLegCallbackRoute,
    handler: async (request, reply) => {
      const status = request.body.CallStatus ?? '';
      request.log.info({ event: 'conference-leg-status', conference: request.query.room, callSid: request.body.CallSid, status }, 'dialed participant status');
      if (!FINAL.has(status)) return reply.code(204).send(null);
      return acknowledged(request, reply, () => control.legEnded(request.query.room, request.body.CallSid));
    },
  });
};
