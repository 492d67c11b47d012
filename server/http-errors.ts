/** One JSON error shape for every route: `{ error: <sentence>, code: <machine code> }` (contracts/api/errors.ts). */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../contracts/api/errors';
import { validationMessage } from './validation-message';
import type { HttpPart } from './validation-message';

export type { ErrorBody };

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(reply: FastifyReply, statusCode: number, code: string, error: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send({ error, code } satisfies ErrorBody);
}

const FASTIFY_CODES: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'This content type is not accepted here.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is too large.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'The request body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'The request body is not valid JSON.'],
};

export function errorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    sendError(reply, error.statusCode, error.code, error.message);
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    sendError(reply, status, 'internal', 'Something went wrong on the server. Please try again.');
    return;
  }
  if (error.validation) {
    const part = (error.validationContext ?? 'body') as HttpPart;
    const schema = (request.routeOptions.schema as Partial<Record<HttpPart, unknown>> | undefined)?.[part];
    sendError(reply, 400, 'bad_request', validationMessage(error.validation, part, schema));
    return;
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) {
    sendError(reply, status, known[0], known[1]);
    return;
  }
  if (error instanceof SyntaxError) {
    sendError(reply, 400, 'bad_request', 'The request body is not valid JSON.');
    return;
  }
  sendError(reply, status, 'bad_request', error.message);
}
