/** Sign-in, who-am-I and sign-out. Rate-limited per client address (all attempts) and per user name (failures). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors';
import { currentIdentity, endSession, startSession } from '../plugins/session';
import type { UserDirectory } from '../users';

export const SIGN_IN_LIMITS = {
  perAddress: { max: 20, timeWindow: 60_000 },
  failuresPerUser: { max: 10, timeWindow: 15 * 60_000 },
};

interface SignInBody {
  username: string;
  password: string;
}

const signInSchema = {
  body: {
    type: 'object',
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
    },
  },
} as const;

const normalise = (username: string) => username.trim().toLowerCase();

export async function sessionRoutes(app: FastifyInstance, opts: { users: UserDirectory }): Promise<void> {
  const { users } = opts;
  const userFailures = app.createRateLimit({
    ...SIGN_IN_LIMITS.failuresPerUser,
    keyGenerator: (request: FastifyRequest) => `sign-in-user:${normalise((request.body as SignInBody).username)}`,
  });

  app.post<{ Body: SignInBody }>(
    '/api/session',
    {
      schema: signInSchema,
      bodyLimit: 4096,
      config: {
        rateLimit: {
          ...SIGN_IN_LIMITS.perAddress,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `sign-in-ip:${request.ip}`,
        },
      },
    },
    async (request, reply) => {
      const before = await userFailures(request, { increment: false });
      if (!before.isAllowed && before.remaining === 0) {
        reply.header('retry-after', String(before.ttlInSeconds));
        return sendError(reply, 429, 'rate_limited', 'Too many failed sign-in attempts for this user. Please wait a few minutes and try again.');
      }
      const identity = await users.verify(request.body.username, request.body.password);
      if (identity === undefined) {
        await userFailures(request);
        request.log.info({ event: 'sign-in-failed', username: normalise(request.body.username).slice(0, 64) }, 'sign-in failed');
        return sendError(reply, 401, 'bad_credentials', 'The user name or password is wrong.');
      }
      startSession(request, identity);
      request.log.info({ event: 'sign-in', identity }, 'signed in');
      return { identity, colleagues: users.colleaguesOf(identity) };
    },
  );

  app.get('/api/session', async (request, reply) => {
    const identity = currentIdentity(request, users.names);
    if (identity === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
    return { identity, colleagues: users.colleaguesOf(identity) };
  });

  app.delete('/api/session', async (request, reply) => {
    endSession(request);
    return reply.code(204).send();
  });
}
