/**
 * Answers for routes that need the database: while it is away they say so (503 store_unavailable) instead
 * of failing with 500, and the failure is logged once per request with its reason.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors';
import { isUnavailable } from '../store/database';
import type { Store } from '../store/store';

export function storeUnavailable(reply: FastifyReply, what: string): FastifyReply {
  return sendError(reply, 503, 'store_unavailable', `${what} is unavailable right now (the database does not answer); calls still work. Try again in a moment.`);
}

/** Runs a store operation for a route: its result, or 503 while the store cannot serve. */
export async function fromStore<T>(store: Store, request: FastifyRequest, reply: FastifyReply, what: string, run: () => Promise<T>): Promise<T | FastifyReply> {
  if (store.migration === undefined) return storeUnavailable(reply, what);
  try {
    return await run();
  } catch (err) {
    if (!isUnavailable(err)) throw err;
    request.log.warn({ event: 'store-unavailable', url: request.url, reason: (err as Error).message }, 'answered 503: the database is unavailable');
    return storeUnavailable(reply, what);
  }
}
