/**
 * Vite plugin for the installable app: writes the icons (drawn by app-icons.ts), the web app manifest
 * and /sw.js into the build. The worker (web/src/sw/service-worker.ts) is bundled with esbuild and given
 * the list of shell files, taken from the bundle itself, and a version that changes whenever any of
 * them does, so every deploy that changes the app is a new worker the browser notices.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'vite';
import { drawIcon, encodePng, ICONS, manifest } from './app-icons.ts';

const WORKER_SOURCE = fileURLToPath(new URL('../src/sw/service-worker.ts', import.meta.url));
export const MANIFEST_FILE = 'manifest.webmanifest';

/** Shell files: everything the build wrote but source maps (and the worker itself), index.html as "/". */
export function shellFiles(fileNames: readonly string[]): string[] {
  return fileNames
    .filter((name) => !name.endsWith('.map') && name !== 'sw.js')
    .map((name) => (name === 'index.html' ? '/' : `/${name}`))
    .sort();
}

export async function bundleWorker(version: string, files: readonly string[]): Promise<string> {
  const result = await build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define: { __SHELL_VERSION__: JSON.stringify(version), __SHELL_FILES__: JSON.stringify(files) },
  });
  return result.outputFiles[0]!.text;
}

export function pwa(): Plugin {
  return {
    name: 'softphone-pwa',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      for (const [fileName, spec] of Object.entries(ICONS)) {
        this.emitFile({ type: 'asset', fileName, source: encodePng(spec.size, drawIcon(spec)) });
      }
      this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: `${JSON.stringify(manifest(), null, 2)}\n` });
      const names = [...Object.keys(bundle), ...Object.keys(ICONS), MANIFEST_FILE];
      const hash = createHash('sha256');
      for (const name of [...new Set(names)].sort()) {
        const item = bundle[name];
        hash.update(name);
        if (item?.type === 'asset') hash.update(typeof item.source === 'string' ? item.source : Buffer.from(item.source));
        else if (item?.type === 'chunk') hash.update(item.code);
      }
      const version = hash.digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: await bundleWorker(version, shellFiles([...new Set(names)])) });
    },
  };
}
