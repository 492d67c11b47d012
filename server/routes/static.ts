/**
 * The built web app from dist/web: hashed files under /assets are cached for a year, everything else
 * (index.html above all) is revalidated on every load so a deploy is picked up at once. Unknown GET paths
 * that want HTML get index.html, so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Paths that belong to the API, the webhooks or the emulator: never answered with the app's HTML. */
const NOT_THE_APP = /^\/(api|assets|emulator|handle_calls|signal|2010-04-01|sounds|healthz)(\/|$|\?)/;

export function wantsAppHtml(request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (NOT_THE_APP.test(request.url)) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Softphone: web app not built</title></head>
<body><h1>The web app has not been built yet</h1>
<p>Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it first) and reload this page.</p>
</body></html>
`;

export async function staticRoutes(app: FastifyInstance, opts: { webRoot: string }): Promise<void> {
  const { webRoot } = opts;
  const indexFile = join(webRoot, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn(`The web app is not built (${indexFile} is missing): run \`npm run build:web\`.`);
  }

  // Read on every request (it is small) so a rebuild is served at once, and a build started after the
  // server needs no restart. No sendFile decorator either, which leaves reply.sendFile free for plugins
  // that register @fastify/static in their own scope.
  const sendIndex = async (reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(indexFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(html);
  };

  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    index: false,
    decorateReply: false,
    cacheControl: false,
    dotfiles: 'ignore',
    // The build writes .br/.gz next to each text asset (web/scripts/precompress.ts).
    preCompressed: true,
    suppressWarning: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? IMMUTABLE : REVALIDATE);
    },
  });

  app.get('/', async (_request, reply) => sendIndex(reply));

  app.setNotFoundHandler(async (request, reply) => {
    if (wantsAppHtml(request)) return sendIndex(reply);
    return sendError(reply, 404, 'not_found', 'There is nothing at this address.');
  });
}
