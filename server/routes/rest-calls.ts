/**
 * TwiML for calls this server places through Twilio's REST API, in a webhook scope of its own (signed,
 * form bodies): the Say route of `npm run call`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sayWebhookRoute } from '../../contracts/api/rest-calls';
import type { AppConfig } from '../config';
import { renderSay } from '../rest-calls/say';
import { verifyTwilioWebhooks } from './voice';

export const restCallRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, opts) => {
  await verifyTwilioWebhooks(app, opts.config);

  app.route({
    ...sayWebhookRoute,
    // Someone on the call hears the answer: a request outside the contract still gets TwiML.
    attachValidation: true,
    handler: async (request, reply) => {
      const text = typeof request.query.text === 'string' ? request.query.text : undefined;
      request.log.info({ event: 'scripted-call-say', callSid: request.body?.CallSid, chars: text?.length ?? 0 }, 'scripted call answered');
      return reply.type('text/xml; charset=utf-8').header('cache-control', 'no-store').send(renderSay(text));
    },
  });
};
