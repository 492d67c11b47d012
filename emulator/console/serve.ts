/**
 * Serves the console: a static HTML shell, a stylesheet, and the console script bundled once from
 * TypeScript with esbuild (no inline script, so it runs under the host's CSP script-src 'self').
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
let bundle: Promise<string> | null = null;

export function bundleConsoleScript(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(here, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text).catch((e: Error) => {
    bundle = null;
    throw e;
  });
  return bundle;
}

export function registerConsole(app: FastifyInstance): void {
  app.get('/emulator', async (_req, reply) => {
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    return readFile(path.join(here, 'index.html'), 'utf8');
  });
  app.get('/emulator/assets/console.css', async (_req, reply) => {
    reply.type('text/css; charset=utf-8');
    return readFile(path.join(here, 'console.css'), 'utf8');
  });
  app.get('/emulator/assets/console.js', async (_req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache');
    return bundleConsoleScript();
  });
}
