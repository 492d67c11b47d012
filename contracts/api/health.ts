/**
 * GET /healthz: the process is up and answering calls. It stays 200 while the database is down, because
 * calls still connect then (a load balancer must not take a replica out for that); `database` says whether
 * the history, availability changes and live events are degraded, for monitors to alert on.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { OPEN, defineRoute } from './route';

export const DatabaseHealth = Type.Object(
  {
    status: Type.Enum(['ok', 'degraded'], { description: 'degraded: the database does not answer; calls still connect, history heals later.' }),
    since: Type.String({ format: 'date-time', description: 'Since when it has been in this status.' }),
    kind: Type.Enum(['embedded', 'external'], { description: 'The embedded PostgreSQL, or the server DATABASE_URL names.' }),
  },
  { description: 'The store behind the call history, availability and live events.' },
);
export type DatabaseHealth = Static<typeof DatabaseHealth>;

export const Health = Type.Object(
  { ok: Type.Literal(true), database: Type.Optional(DatabaseHealth) },
  { description: 'The server is up and answering calls.' },
);
export type Health = Static<typeof Health>;

export const healthRoute = defineRoute({
  method: 'GET',
  url: '/healthz',
  schema: {
    summary: 'Health check',
    tags: ['Health'],
    security: OPEN,
    response: { 200: Health },
  },
});
