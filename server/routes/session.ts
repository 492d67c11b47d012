/** Sign-in, who-am-I and sign-out. Rate-limited per client address (all attempts) and per user name (failures). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { currentSessionRoute, signInRoute, signOutRoute } from '../../contracts/api/session';
import type { SignIn } from '../../contracts/api/session';
import { sendError } from '../http-errors';
import { currentIdentity, endSession, startSession } from '../plugins/session';
import type { UserDirectory } from '../users';
import { RATE_LIMIT_CACHE_SIZE, RATE_LIMITS, clientNetwork } from '../rate-limits';
import type { RateLimits } from '../rate-limits';

export const SIGN_IN_LIMITS = {
  perAddress: RATE_LIMITS.signInPerAddress,
  failuresPerUser: RATE_LIMITS.signInFailuresPerUser,
};

const normalise = (username: string) => username.trim().toLowerCase();

export const sessionRoutes: FastifyPluginAsyncTypebox<{ users: UserDirectory; limits?: RateLimits }> = async (app, opts) => {
  const { users } = opts;
  const limits = opts.limits ?? RATE_LIMITS;
  /** User name → password checks in progress. */
  const checking = new Map<string, number>();
  const userFailures = app.createRateLimit({
    ...limits.signInFailuresPerUser,
    keyGenerator: (request: FastifyRequest) => `sign-in-user:${normalise((request.body as SignIn).username)}`,
  });

  app.route({
    ...signInRoute,
    bodyLimit: 4096,
    config: {
      rateLimit: {
        ...limits.signInPerAddress,
        cache: RATE_LIMIT_CACHE_SIZE,
        hook: 'preHandler',
        keyGenerator: (request: FastifyRequest) => `sign-in-ip:${clientNetwork(request)}`,
      },
    },
    handler: async (request, reply) => {
      // Password checks still running for this name count as failures until they are known not to be,
      // so that guesses sent all at once cannot all pass the check before the first failure is counted.
      const name = normalise(request.body.username);
      const before = await userFailures(request, { increment: false });
      const pending = checking.get(name) ?? 0;
      const remaining = before.isAllowed ? Number.POSITIVE_INFINITY : before.remaining;
      if (remaining - pending <= 0) {
        reply.header('retry-after', String(before.isAllowed ? 1 : Math.max(1, before.ttlInSeconds)));
        return sendError(reply, 429, 'rate_limited', 'Too many failed sign-in attempts for this user. Please wait a few minutes and try again.');
      }
      checking.set(name, pending + 1);
      let identity: string | undefined;
      try {
        identity = await users.verify(request.body.username, request.body.password);
        if (identity === undefined) await userFailures(request);
      } finally {
        const left = (checking.get(name) ?? 1) - 1;
        if (left <= 0) checking.delete(name);
        else checking.set(name, left);
      }
      if (identity === undefined) {
        request.log.info({ event: 'sign-in-failed', username: name.slice(0, 64) }, 'sign-in failed');
        return sendError(reply, 401, 'bad_credentials', 'The user name or password is wrong.');
      }
      startSession(request, identity);
      request.log.info({ event: 'sign-in', identity }, 'signed in');
      return { identity, colleagues: users.colleaguesOf(identity) };
    },
  });

  app.route({
    ...currentSessionRoute,
    handler: async (request, reply) => {
      const identity = currentIdentity(request, users.names);
      if (identity === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      return { identity, colleagues: users.colleaguesOf(identity) };
    },
  });

  app.route({
    ...signOutRoute,
    handler: async (request, reply) => {
      endSession(request);
      return reply.code(204).send(null);
    },
  });
};
