/**
 * Voice AccessTokens for the signed-in user. Signed by token-signer.ts, which produces the same bytes as the
 * twilio helper's AccessToken (checked in token-signer.test.ts) at a fraction of the cost.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { tokenRoute } from '../../contracts/api/token';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { UserDirectory } from '../users';
import { RATE_LIMIT_CACHE_SIZE, RATE_LIMITS, clientNetwork } from '../rate-limits';
import { voiceTokenSigner } from '../token-signer';
import type { RateLimits } from '../rate-limits';

export const TOKEN_LIMIT = RATE_LIMITS.token;

export function createVoiceToken(config: Pick<AppConfig, 'account' | 'tokenTtlSeconds'>, identity: string): string {
  return voiceTokenSigner(config.account, config.tokenTtlSeconds)(identity);
}

export const tokenRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; users: UserDirectory; limits?: RateLimits }> = async (app, opts) => {
  const { config, users } = opts;
  const limits = opts.limits ?? RATE_LIMITS;
  const signToken = voiceTokenSigner(config.account, config.tokenTtlSeconds);
  app.route({
    ...tokenRoute,
    bodyLimit: 1024,
    config: {
      rateLimit: {
        ...limits.token,
        cache: RATE_LIMIT_CACHE_SIZE,
        hook: 'preHandler',
        keyGenerator: (request: FastifyRequest) => `token:${request.session.get('u') ?? clientNetwork(request)}`,
      },
    },
    handler: async (request, reply) => {
      const identity = currentIdentity(request, users.names);
      if (identity === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      return { token: signToken(identity), identity, ttl: config.tokenTtlSeconds };
    },
  });
};
