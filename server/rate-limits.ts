/**
 * How often a client may try. Sign-in is limited per address (every attempt) and per user name (failures
 * only, so that a guesser cannot lock a colleague out from another address for long, yet cannot try more
 * than a handful of passwords per user however many addresses they have). Tokens are limited per user:
 * a browser needs one per TOKEN_TTL_SECONDS, plus a few after reconnects.
 */
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

export interface Limit {
  max: number;
  /** Milliseconds. */
  timeWindow: number;
}

export interface RateLimits {
  signInPerAddress: Limit;
  signInFailuresPerUser: Limit;
  token: Limit;
  /** Text messages a user may send: a person typing, never a script pouring texts out under their name. */
  messages: Limit;
}

export const RATE_LIMITS: RateLimits = {
  signInPerAddress: { max: 20, timeWindow: 60_000 },
  signInFailuresPerUser: { max: 10, timeWindow: 15 * 60_000 },
  token: { max: 30, timeWindow: 60_000 },
  messages: { max: 20, timeWindow: 60_000 },
};

/**
 * The client's network for per-address limits: an IPv4 address, or the /64 an IPv6 address belongs to
 * (one subscriber usually holds a whole /64, so counting single IPv6 addresses would give a guesser
 * billions of fresh allowances); IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientNetwork(request: Pick<FastifyRequest, 'ip'>): string {
  return normalizeIP(request.ip, 64);
}

/**
 * Counters kept in memory per server process (least recently used dropped first). Large enough that a
 * flood of junk names or addresses cannot push a user's failure count out before its window ends.
 */
export const RATE_LIMIT_CACHE_SIZE = 100_000;
