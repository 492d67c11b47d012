/**
 * The shape every HTTP contract of the app has: method, path and the schema Fastify validates and
 * serializes with (and @fastify/swagger documents). Contract modules import TypeBox only; the server
 * passes them to Fastify, the web app imports their types (type-only, so no schema code reaches the
 * browser bundle).
 */
import type { Static, TSchema } from 'typebox';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A response that is not JSON (TwiML, for instance), described per media type. */
export interface MediaResponse {
  description: string;
  content: Record<string, { schema: TSchema }>;
}

export interface RouteSchema {
  summary: string;
  description?: string;
  tags: readonly Tag[];
  /** Who may call: the security schemes below, or none for an open route. */
  security: readonly Record<string, readonly string[]>[];
  /** Media types of the request body; JSON when absent. */
  consumes?: readonly string[];
  /** Path parameters (`:id`). */
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: Record<number, TSchema | MediaResponse>;
}

export interface RouteContract {
  method: Method;
  url: string;
  schema: RouteSchema;
}

/** Keeps the method and path as literal types, so a client can be checked against them. */
export function defineRoute<const R extends RouteContract>(route: R): R {
  return route;
}

/** The groups the OpenAPI document lists its operations under. */
export const TAGS = {
  Session: 'Sign-in, who is signed in, sign-out.',
  Calls: 'What the browser needs to place and take calls.',
  Config: 'Public facts the page needs before sign-in.',
  History: "The team's call history and what each user has not seen yet.",
  Voicemail: 'Messages callers left when nobody answered, and their audio.',
  Team: 'Availability of the team members.',
  Messages: 'Text messages on the team number: conversations, sending, read state.',
  Events: 'Live updates for the open tabs.',
  Health: 'For load balancers and monitors.',
  'Twilio webhooks': 'Called by Twilio (or the local stand-in), form-encoded and signed with X-Twilio-Signature.',
  'API description': 'This document.',
} as const;
export type Tag = keyof typeof TAGS;

/** Security requirements, named after the schemes in the OpenAPI document's components. */
export const OPEN = [] as const;
export const SIGNED_IN = [{ session: [] }] as const;
export const SIGNED_BY_TWILIO = [{ twilioSignature: [] }] as const;

// ---- types a client derives from a contract -------------------------------------------------------------

/** The JSON body a route takes (undefined when it takes none). */
export type RequestBody<R extends RouteContract> = R['schema'] extends { body: infer S extends TSchema } ? Static<S> : undefined;

/** The JSON body of a route's successful answer (200, or 201 for one that creates; undefined for 204 No Content). */
export type ReplyBody<R extends RouteContract> = R['schema']['response'] extends { 200: infer S extends TSchema }
  ? Static<S>
  : R['schema']['response'] extends { 201: infer S extends TSchema }
    ? Static<S>
    : undefined;
