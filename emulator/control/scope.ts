/** The Fastify scope the control routes are registered on, and the `{ error, code }` answer of a refused request. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { controlErrorCode, type ControlError } from '../../contracts/emulator/common';

export type ControlScope = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export const apiError = (status: number, message: string): ControlError => ({ error: message, code: controlErrorCode(status) });
