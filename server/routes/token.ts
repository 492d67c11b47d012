/** Voice AccessTokens for the signed-in user, made with the twilio helper library. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { AppConfig } from '../config';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { UserDirectory } from '../users';

const { AccessToken } = twilio.jwt;

export const TOKEN_LIMIT = { max: 30, timeWindow: 60_000 };

export function createVoiceToken(config: Pick<AppConfig, 'account' | 'tokenTtlSeconds'>, identity: string): string {
  const { accountSid, apiKeySid, apiKeySecret, twimlAppSid } = config.account;
  const token = new AccessToken(accountSid, apiKeySid, apiKeySecret, { identity, ttl: config.tokenTtlSeconds });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: twimlAppSid, incomingAllow: true }));
  return token.toJwt();
}

export async function tokenRoutes(app: FastifyInstance, opts: { config: AppConfig; users: UserDirectory }): Promise<void> {
  const { config, users } = opts;
  app.post(
    '/api/token',
    {
      bodyLimit: 1024,
      config: {
        rateLimit: {
          ...TOKEN_LIMIT,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `token:${request.session.get('u') ?? request.ip}`,
        },
      },
    },
    async (request, reply) => {
      const identity = currentIdentity(request, users.names);
      if (identity === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      return { token: createVoiceToken(config, identity), identity, ttl: config.tokenTtlSeconds };
    },
  );
}
