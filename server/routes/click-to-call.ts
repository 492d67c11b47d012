/**
 * "Call via my phone" for the signed-in user: their personal number (kept or forgotten), placing a call
 * through it, and hanging one up. Contracts in contracts/api/click-to-call.ts; the TwiML the call runs is
 * served by routes/rest-calls.ts. Numbers follow the rules of any call (allowed countries, no premium rate).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clickToCallHangupRoute, clickToCallRoute, personalNumberRoute, setPersonalNumberRoute } from '../../contracts/api/click-to-call';
import { clickToCallUrls, progressOf } from '../click-to-call/decide';
import { PlaceRefusedError, type CallPlacer } from '../click-to-call/placer';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { checkDestination, type BlockReason } from '../voice/destination';
import { fromStore } from './store-errors';

const SETTINGS = 'Your settings';

/** Why a number cannot be used, in words: for the personal number and for the destination. */
export const CALL_BLOCK_MESSAGES: Record<BlockReason, string> = {
  empty: 'Enter a phone number.',
  invalid: 'That is not a valid phone number. Check it and try again.',
  premium: 'Calls to premium-rate numbers are not allowed.',
  country: 'Calls to that country are not allowed from the team number.',
};

export interface ClickToCallRouteOptions {
  config: AppConfig;
  store: Store;
  users: UserDirectory;
  /** Undefined: this server cannot place calls. */
  placer: CallPlacer | undefined;
}

export const clickToCallRoutes: FastifyPluginAsyncTypebox<ClickToCallRouteOptions> = async (app, opts) => {
  const { config, store, users, placer } = opts;
  const policy = { defaultCountry: config.defaultCountry, allowedCountries: config.dialAllowedCountries };
  const signedOut = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 401, 'signed_out', 'You are not signed in.');
  const blocked = (reply: Parameters<typeof sendError>[0], reason: BlockReason) =>
    sendError(reply, 400, reason === 'invalid' || reason === 'empty' ? 'bad_request' : 'not_allowed', CALL_BLOCK_MESSAGES[reason]);
  const unavailable = (reply: Parameters<typeof sendError>[0]) => sendError(reply, 503, 'calling_unavailable', 'Placing calls through your phone is not set up on this server.');

  app.route({
    ...personalNumberRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      reply.header('cache-control', 'no-store');
      return fromStore(store, request, reply, SETTINGS, async () => ({ personalNumber: await store.clickToCall.personalNumber(user) }));
    },
  });

  app.route({
    ...setPersonalNumberRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      const raw = request.body.personalNumber;
      let number: string | null = null;
      if (raw !== null && raw.trim() !== '') {
        const checked = checkDestination(raw, policy);
        if (!checked.ok) return blocked(reply, checked.reason);
        number = checked.e164;
      }
      return fromStore(store, request, reply, SETTINGS, async () => {
        await store.clickToCall.setPersonalNumber(user, number);
        request.log.info({ event: 'personal-number-set', user, kept: number !== null }, 'personal number changed');
        return { personalNumber: number };
      });
    },
  });

  app.route({
    ...clickToCallRoute,
    bodyLimit: 1024,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      const destination = checkDestination(request.body.to, policy);
      if (!destination.ok) return blocked(reply, destination.reason);
      if (!placer) return unavailable(reply);
      return fromStore(store, request, reply, SETTINGS, async () => {
        const via = await store.clickToCall.personalNumber(user);
        if (via === null) return sendError(reply, 409, 'no_personal_number', 'Add your phone number in Settings first.');
        const leg = { user, to: destination.e164, via };
        const urls = clickToCallUrls(config.publicBaseUrl, leg);
        let placed;
        try {
          placed = await placer.place({ to: via, from: config.account.teamNumber, url: urls.answer, statusCallback: urls.status('mobile') });
        } catch (err) {
          if (!(err instanceof PlaceRefusedError)) throw err;
          request.log.warn({ event: 'click-to-call-refused', code: err.code, user }, 'Twilio refused a click-to-call');
          return sendError(reply, 502, 'twilio_refused', err.message);
        }
        request.log.info({ event: 'click-to-call', callSid: placed.sid, user }, 'calling the user’s phone');
        return reply.code(201).send(progressOf(placed.sid, leg, 'calling-you'));
      });
    },
  });

  app.route({
    ...clickToCallHangupRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return signedOut(reply);
      if (!placer) return unavailable(reply);
      if (!/^CA[0-9a-f]{32}$/i.test(request.params.sid)) return sendError(reply, 404, 'not_found', 'There is no such call to your phone.');
      return fromStore(store, request, reply, SETTINGS, async () => {
        const via = await store.clickToCall.personalNumber(user);
        let call;
        try {
          call = await placer.fetch(request.params.sid);
          // Only a call from the team number to this user's own phone is theirs to end.
          if (!call || via === null || call.to !== via || call.from !== config.account.teamNumber) {
            return sendError(reply, 404, 'not_found', 'There is no such call to your phone.');
          }
          await placer.end(call.sid);
        } catch (err) {
          if (!(err instanceof PlaceRefusedError)) throw err;
          return sendError(reply, 502, 'twilio_refused', err.message);
        }
        request.log.info({ event: 'click-to-call-hangup', callSid: call.sid, user }, 'click-to-call hung up');
        return reply.code(204).send(null);
      });
    },
  });
};
