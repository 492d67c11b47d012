/**
 * Text messages for the signed-in user: POST /api/messages (send from the team number), the conversations,
 * a conversation's messages, and marking one read. Contracts in contracts/api/messages.ts. A text goes
 * only where a call may go (allowed countries, no premium-rate numbers), is limited per user, and is
 * stored with who sent it before Twilio is asked, then given Twilio's SID.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { conversationListRoute, conversationMessagesRoute, conversationReadRoute, sendMessageRoute } from '../../contracts/api/messages';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { OPTED_OUT_CODE } from '../messages/rules';
import { SendRefusedError } from '../messages/sender';
import type { MessageSender } from '../messages/sender';
import { currentIdentity } from '../plugins/session';
import { clientNetwork, RATE_LIMIT_CACHE_SIZE, RATE_LIMITS } from '../rate-limits';
import type { RateLimits } from '../rate-limits';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { checkDestination } from '../voice/destination';
import type { BlockReason } from '../voice/destination';
import { fromStore } from './store-errors';

const MESSAGES = 'Text messages';

/** Why a number cannot be texted, in words (the call refusals speak of calls). */
export const TEXT_BLOCK_MESSAGES: Record<BlockReason, string> = {
  empty: 'Enter the number to text.',
  invalid: 'That is not a valid phone number. Check it and try again.',
  premium: 'Texts to premium-rate numbers are not allowed.',
  country: 'Texts to that country are not allowed from the team number.',
};

export interface MessagesRouteOptions {
  config: AppConfig;
  store: Store;
  users: UserDirectory;
  /** Undefined: sending is not available on this server. */
  sender: MessageSender | undefined;
  limits?: RateLimits;
}

export const messagesRoutes: FastifyPluginAsyncTypebox<MessagesRouteOptions> = async (app, opts) => {
  const { config, store, users, sender } = opts;
  const limits = opts.limits ?? RATE_LIMITS;
  const signedOut = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 401, 'signed_out', 'You are not signed in.');
  const statusCallback = `${config.publicBaseUrl}/handle_sms/status`;

  app.route({
    ...sendMessageRoute,
    bodyLimit: 16 * 1024,
    config: {
      rateLimit: {
        ...limits.messages,
        cache: RATE_LIMIT_CACHE_SIZE,
        hook: 'preHandler',
        keyGenerator: (request: FastifyRequest) => `messages:${request.session.get('u') ?? clientNetwork(request)}`,
      },
    },
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      const destination = checkDestination(request.body.to, { defaultCountry: config.defaultCountry, allowedCountries: config.dialAllowedCountries });
      if (!destination.ok) {
        return sendError(reply, 400, destination.reason === 'invalid' || destination.reason === 'empty' ? 'bad_request' : 'not_allowed', TEXT_BLOCK_MESSAGES[destination.reason]);
      }
      const body = request.body.body;
      if (body.trim() === '') return sendError(reply, 400, 'bad_request', 'The message is empty.');
      if (!sender) return sendError(reply, 503, 'sending_unavailable', 'Sending text messages is not set up on this server.');
      const to = destination.e164;
      return fromStore(store, request, reply, MESSAGES, async () => {
        if (await store.messages.optedOutNow(to)) {
          return sendError(reply, 409, 'opted_out', 'This number replied STOP: it gets no texts from the team until it texts START.');
        }
        // Stored before it is sent: once Twilio has it, a failed write can only delay the SID, which the
        // status callback (it carries our reference, signed) or the heal from Twilio's list then fills in.
        const ref = randomUUID();
        await store.messages.pending(ref, { to, body, sentBy: user });
        let result;
        try {
          result = await sender.send({ to, body, statusCallback: `${statusCallback}?ref=${ref}` });
        } catch (err) {
          await store.messages.refused(ref);
          if (!(err instanceof SendRefusedError)) throw err;
          request.log.warn({ event: 'message-refused', code: err.code, user }, 'Twilio refused a text message');
          if (err.code === OPTED_OUT_CODE) {
            await store.messages.optedOut(to);
            return sendError(reply, 409, 'opted_out', err.message);
          }
          return sendError(reply, 502, 'twilio_refused', err.message);
        }
        request.log.info({ event: 'message-sent', messageSid: result.sid, ref, user }, 'text message sent');
        const message = await store.messages.accepted(ref, result).catch((err: unknown) => {
          request.log.error({ event: 'message-sid-not-stored', messageSid: result.sid, ref, reason: (err as Error).message }, 'a sent text waits for its SID');
          return undefined;
        });
        if (!message) return reply.code(201).send({ id: `pending:${ref}`, status: 'queued' });
        return reply.code(201).send({ id: message.id, status: message.status, message });
      });
    },
  });

  app.route({
    ...conversationListRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      return fromStore(store, request, reply, MESSAGES, () => store.messages.conversations(user));
    },
  });

  app.route({
    ...conversationMessagesRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      return fromStore(store, request, reply, MESSAGES, async () => {
        const page = await store.messages.messages(request.params.id, request.query);
        return page ?? sendError(reply, 404, 'not_found', 'There is no such conversation.');
      });
    },
  });

  app.route({
    ...conversationReadRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      return fromStore(store, request, reply, MESSAGES, async () => {
        const unseen = await store.messages.markRead(user, request.params.id);
        return unseen ?? sendError(reply, 404, 'not_found', 'There is no such conversation.');
      });
    },
  });
};
