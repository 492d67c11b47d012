/**
 * Prints the first-load JavaScript of the built web app (dist/web): every chunk index.html loads
 * or statically imports, gzip-compressed, and how much of it is this app's own code (from the
 * source maps). Run after `npx vite build`: `npx tsx web/scripts/bundle-size.ts`.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

const dist = resolve(process.argv[2] ?? 'dist/web');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/([^"]+\.js)"/g)].map((m) => m[1]!);

const seen = new Set<string>();
const queue = [...entries];
while (queue.length) {
  const file = queue.shift()!;
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  // Static imports only: dynamic import() chunks are loaded later, on demand.
  for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    queue.push(join(file, '..', m[1]!).replace(/\\/g, '/'));
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
let total = 0;
let ownRaw = '';
const rows: string[] = [];
for (const file of seen) {
  const code = readFileSync(join(dist, file), 'utf8');
  const gz = gzipSync(code, { level: 9 }).length;
  total += gz;
  rows.push(`  ${file.padEnd(44)} ${kib(code.length).padStart(10)} raw ${kib(gz).padStart(10)} gzip`);
  let map: string;
  try {
    map = readFileSync(join(dist, `${file}.map`), 'utf8');
  } catch {
    continue;
  }
  // Attribute each generated line segment to its source; keep the ones from web/src.
  const consumer = new SourceMapConsumer(JSON.parse(map));
  const lines = code.split('\n');
  const segments: Array<{ line: number; column: number; source: string | null }> = [];
  consumer.eachMapping((m) => segments.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = segments[i + 1];
    const text = lines[s.line - 1] ?? '';
    const end = next && next.line === s.line ? next.column : text.length;
    const source = s.source ? relative(process.cwd(), resolve(dist, 'assets', s.source)) : '';
    if (source.startsWith('web/src/') || source.startsWith(`web${'/'}src`)) ownRaw += text.slice(s.column, end);
  }
}
console.log(`First-load JavaScript (${dist}):`);
for (const row of rows) console.log(row);
console.log(`  total: ${kib(total)} gzip`);
console.log(`  own code (web/src, estimated from source maps): ${kib(ownRaw.length)} raw, ${kib(gzipSync(ownRaw, { level: 9 }).length)} gzip`);
