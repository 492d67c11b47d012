/** The generated ringtones, rendered once and cached by browsers for a day. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { renderSound } from '../sounds';

export async function soundRoutes(app: FastifyInstance): Promise<void> {
  const cache = new Map<string, { body: Buffer; etag: string }>();
  app.get<{ Params: { file: string } }>('/sounds/:file', async (request, reply) => {
    const m = /^([a-z0-9-]{1,32})\.wav$/.exec(request.params.file);
    let entry = m ? cache.get(m[1]!) : undefined;
    if (m && !entry) {
      const body = renderSound(m[1]!);
      if (body) {
        entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
        cache.set(m[1]!, entry);
      }
    }
    if (!entry) return reply.callNotFound();
    reply.header('cache-control', 'public, max-age=86400').header('etag', entry.etag);
    if (request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
    return reply.type('audio/wav').send(entry.body);
  });
}
