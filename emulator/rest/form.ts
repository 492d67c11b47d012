/** Reading Twilio-style form bodies and list queries, and answering with Twilio's error JSON. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Method } from '../twiml/verbs';
import { twilioError } from './shapes';

export type Form = Record<string, string | string[] | undefined>;
export type Query = Record<string, string | undefined>;
export type AccountParams = { AccountSid: string; Sid?: string };

/** The first value of a form field (the `twilio` library sends repeated fields for lists). */
export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
export const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function method(v: string | undefined): Method {
  return v?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

export function pageOf(query: Query): { page: number; pageSize: number } {
  const pageSize = Math.min(1000, Math.max(1, Number(query.PageSize ?? 50) || 50));
  const page = Math.max(0, Number(query.Page ?? 0) || 0);
  return { page, pageSize };
}

export const fail = (reply: FastifyReply, status: number, code: number, message: string) => reply.code(status).send(twilioError(status, code, message));

export const notFound = (req: FastifyRequest, reply: FastifyReply) =>
  fail(reply, 404, 20404, `The requested resource ${req.url.split('?')[0]} was not found`);
