/**
 * TwiML and callbacks for calls this server places through Twilio's REST API, in a webhook scope of its
 * own (signed, form bodies): the Say route of `npm run call`, and the three of "Call via my phone" (the
 * user's phone answered, the key they pressed, each leg's status). Who and where ride in the signed query.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { clickToCallAnswerWebhookRoute, clickToCallConnectWebhookRoute, clickToCallStatusWebhookRoute } from '../../contracts/api/click-to-call';
import { sayWebhookRoute } from '../../contracts/api/rest-calls';
import { decideConnect, progressOf, renderAnswer, renderConnect, stageOf } from '../click-to-call/decide';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { renderSay } from '../rest-calls/say';
import type { Store } from '../store/store';
import { verifyTwilioWebhooks } from './voice';

const twiml = (reply: FastifyReply, xml: string) => reply.type('text/xml; charset=utf-8').header('cache-control', 'no-store').send(xml);

export const restCallRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; store: Store }> = async (app, opts) => {
  const { config, store } = opts;
  const base = config.publicBaseUrl;
  const policy = { defaultCountry: config.defaultCountry, allowedCountries: config.dialAllowedCountries };
  await verifyTwilioWebhooks(app, config);

  app.route({
    ...sayWebhookRoute,
    // Someone on the call hears the answer: a request outside the contract still gets TwiML.
    attachValidation: true,
    handler: async (request, reply) => {
      const text = typeof request.query.text === 'string' ? request.query.text : undefined;
      request.log.info({ event: 'scripted-call-say', callSid: request.body?.CallSid, chars: text?.length ?? 0 }, 'scripted call answered');
      return twiml(reply, renderSay(text));
    },
  });

  app.route({
    ...clickToCallAnswerWebhookRoute,
    handler: async (request, reply) => {
      const { user, to, via } = request.query;
      request.log.info({ event: 'click-to-call-answered', callSid: request.body.CallSid, user }, 'the user answered their phone');
      return twiml(reply, renderAnswer(base, { user, to, via }));
    },
  });

  app.route({
    ...clickToCallConnectWebhookRoute,
    handler: async (request, reply) => {
      const leg = { user: request.query.user, to: request.query.to, via: request.query.via };
      const decision = decideConnect((request.body as Record<string, string | undefined>).Digits, leg.to, policy);
      request.log.info({ event: 'click-to-call-key', callSid: request.body.CallSid, user: leg.user, decision: decision.kind }, 'click-to-call key');
      // The person is waiting on this answer: the progress event is written beside it, never before it.
      const progress = decision.kind === 'dial'
        ? progressOf(request.body.CallSid, leg, 'calling-destination')
        : progressOf(request.body.CallSid, leg, 'ended', decision.kind === 'no-key' ? 'no-key' : 'refused');
      store.clickToCall.progress(leg.user, progress).catch((err: unknown) => {
        request.log.warn({ event: 'click-to-call-progress-lost', reason: (err as Error).message }, 'progress event not stored');
      });
      return twiml(reply, renderConnect(decision, base, leg, config.account.teamNumber));
    },
  });

  app.route({
    ...clickToCallStatusWebhookRoute,
    handler: async (request, reply) => {
      const { user, to, via } = request.query;
      const which = request.query.leg ?? 'mobile';
      const status = request.body.CallStatus ?? '';
      const callSid = which === 'mobile' ? request.body.CallSid : request.body.ParentCallSid;
      const next = stageOf(which, status);
      if (next === null || callSid === undefined) return reply.code(204).send(null);
      try {
        await store.clickToCall.progress(user, progressOf(callSid, { user, to, via }, next.stage, next.reason));
      } catch (err) {
        request.log.error({ event: 'click-to-call-progress-failed', reason: (err as Error).message }, 'progress event not stored');
        return sendError(reply, 503, 'store_unavailable', 'The call progress could not be stored; try again.');
      }
      return reply.code(204).send(null);
    },
  });
};
