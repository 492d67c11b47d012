/**
 * Sizes of the built web app (dist/web): which files a first load needs, their raw and gzip sizes, and
 * whose code they are (this app's own, React, the Voice SDK, other libraries), attributed from the
 * source maps. Used by web/scripts/bundle-size.ts and the bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

export const gzipSize = (text: string | Buffer) => gzipSync(text, { level: 9 }).length;

/**
 * Files index.html needs before the app runs: its scripts, module preloads and stylesheets, plus every
 * chunk those scripts import statically (dynamic import() chunks load later, on demand). Paths are
 * relative to `dist`, without a leading slash.
 */
export function staticFirstLoad(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const referenced = [
    ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="(?:modulepreload|stylesheet)"[^>]+href)="\/([^"]+\.(?:js|css))"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  const queue = [...referenced];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(dist, file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(posix.join(posix.dirname(file), m[1]!));
    }
  }
  return [...seen];
}

/** Which group a source file belongs to. */
export type Owner = 'own' | 'react' | 'voice-sdk' | 'other';
export const OWNERS: readonly Owner[] = ['own', 'react', 'voice-sdk', 'other'];

/** A package and everything it depends on, as installed in node_modules. */
export function dependencyClosure(root: string, name: string, into = new Set<string>()): Set<string> {
  if (into.has(name)) return into;
  into.add(name);
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return into;
  const deps = (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  for (const dep of Object.keys(deps)) dependencyClosure(root, dep, into);
  return into;
}

/** Decides the owner of a source path (relative to the project root) from its package. */
export function ownerOf(source: string, react: ReadonlySet<string>, sdk: ReadonlySet<string>): Owner {
  const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  if (pkg === undefined) return source.startsWith('web/src/') ? 'own' : 'other';
  if (react.has(pkg)) return 'react';
  if (sdk.has(pkg)) return 'voice-sdk';
  return 'other';
}

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface BundleReport {
  files: FileSize[];
  /** JavaScript only. */
  js: { raw: number; gzip: number };
  css: { raw: number; gzip: number };
  /**
   * JavaScript by owner: the generated code of each owner across the files, concatenated and gzipped on
   * its own (so the parts add up to a little more than `js.gzip`, which compresses them together).
   */
  byOwner: Record<Owner, { raw: number; gzip: number }>;
}

/** Sizes of `files` (relative to `dist`), with the JavaScript attributed to owners through its source maps. */
export function analyzeBundle(dist: string, files: readonly string[], projectRoot = process.cwd()): BundleReport {
  const react = dependencyClosure(projectRoot, 'react-dom', dependencyClosure(projectRoot, 'react'));
  const sdk = dependencyClosure(projectRoot, '@twilio/voice-sdk');
  const text: Record<Owner, string> = { own: '', react: '', 'voice-sdk': '', other: '' };
  const sizes: FileSize[] = [];
  const totals = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
  for (const file of files) {
    const code = readFileSync(join(dist, file), 'utf8');
    const size = { file, raw: Buffer.byteLength(code), gzip: gzipSize(code) };
    sizes.push(size);
    const kind = file.endsWith('.css') ? totals.css : totals.js;
    kind.raw += size.raw;
    kind.gzip += size.gzip;
    if (!file.endsWith('.js')) continue;
    const mapFile = join(dist, `${file}.map`);
    if (!existsSync(mapFile)) {
      text.other += code;
      continue;
    }
    // Attribute each generated segment (up to the next mapping on its line) to its source's owner.
    const consumer = new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')));
    const lines = code.split('\n');
    const segments: { line: number; column: number; source: string | null }[] = [];
    consumer.eachMapping((m) => segments.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
    const mapDir = join(dist, posix.dirname(file));
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const next = segments[i + 1];
      const line = lines[s.line - 1] ?? '';
      const end = next && next.line === s.line ? next.column : line.length;
      const source = s.source ? relative(projectRoot, resolve(mapDir, s.source)) : '';
      text[ownerOf(source, react, sdk)] += line.slice(s.column, end);
    }
  }
  const byOwner = Object.fromEntries(
    OWNERS.map((o) => [o, { raw: Buffer.byteLength(text[o]), gzip: text[o] ? gzipSize(text[o]) : 0 }]),
  ) as BundleReport['byOwner'];
  return { files: sizes, ...totals, byOwner };
}
