/**
 * Prints the first-load JavaScript and CSS of the built web app (dist/web): every file index.html loads
 * or statically imports, gzip-compressed, and whose code it is (from the source maps). Run after
 * `npx vite build`: `npx tsx web/scripts/bundle-size.ts [dist]`. The bench (`npm run bench`) reports the
 * same figures for the files a real page load fetches before the phone is registered.
 */
import { resolve } from 'node:path';
import { analyzeBundle, OWNERS, staticFirstLoad } from './bundle-analysis';

const dist = resolve(process.argv[2] ?? 'dist/web');
const report = analyzeBundle(dist, staticFirstLoad(dist));
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

console.log(`First-load files of ${dist} (index.html and its static imports):`);
for (const f of report.files) console.log(`  ${f.file.padEnd(44)} ${kib(f.raw).padStart(10)} raw ${kib(f.gzip).padStart(10)} gzip`);
console.log(`  JavaScript: ${kib(report.js.raw)} raw, ${kib(report.js.gzip)} gzip; CSS: ${kib(report.css.raw)} raw, ${kib(report.css.gzip)} gzip`);
for (const owner of OWNERS) {
  const o = report.byOwner[owner];
  if (o.raw > 0) console.log(`  of which ${owner} (from source maps): ${kib(o.raw)} raw, ${kib(o.gzip)} gzip`);
}
