/** GET /healthz: the process is up and answering. */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { OPEN, defineRoute } from './route';

export const Health = Type.Object({ ok: Type.Literal(true) }, { description: 'The server is up.' });
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
