/**
 * Which top-level folder may import which, runtime and type imports alike, checked over every source file,
 * so that an import the wrong way fails `npm test`. Dependencies point one way:
 *
 *   contracts     HTTP/JSON contracts shared by all       → nothing here (only packages)
 *   local-setup   local credentials, certificate, demo     → contracts
 *   server        the app server                           → local-setup, contracts
 *                   and server/main.ts, the composition root, starts the emulator in local mode
 *                   through its one entry point, emulator/plugin.ts
 *   emulator      the local Twilio stand-in                → local-setup, contracts
 *   web           the browser app and its build scripts    → contracts
 *   test-support  what the tests share                     → any product folder
 *   e2e, bench    browser tests, benchmarks                → test-support, any product folder
 *   tests         *.test.ts(x) beside the code they test   → test-support, any product folder
 *   (root)        build and test configuration             → anything
 *
 * Product code never imports test code (test-support, e2e, bench, tests, the web app's test fakes).
 * Every package imported is declared in package.json, and what runs in production (server, emulator,
 * local-setup, contracts, web/src) imports only `dependencies`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './local-server';

const PRODUCT = ['contracts', 'local-setup', 'server', 'emulator', 'web'] as const;
type Product = (typeof PRODUCT)[number];

/** Product folder → the product folders it may import (besides itself). */
const ALLOWED: Record<Product, readonly Product[]> = {
  contracts: [],
  'local-setup': ['contracts'],
  server: ['local-setup', 'contracts'],
  emulator: ['local-setup', 'contracts'],
  web: ['contracts'],
};

/** The one import across the server–emulator line outside local-setup and contracts. */
const COMPOSITION_ROOT = { from: 'server/main.ts', to: 'emulator/plugin' };

const TEST_FOLDERS = ['test-support', 'e2e', 'bench'] as const;
/** Test code that lives beside the product code it fakes. */
const TEST_FAKES = [/^web\/src\/core\/testing\//, /^web\/src\/ui\/test-utils\.tsx$/];
/** Build tooling inside a product folder: may use devDependencies. */
const TOOLING = [/^web\/scripts\//];

const SKIP = new Set(['node_modules', 'dist', '.git', '.local', 'test-results', 'playwright-report', 'results']);
const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;

function sourceFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name)) files.push(relative(ROOT, path).split(sep).join('/'));
  }
  return files;
}

const IMPORTS = [
  // import x from '…', import type { X } from '…', import * as x from '…' (also over several lines)
  /^\s*import\s+(?:type\s+)?[\w*${},\s]+?\s+from\s*['"]([^'"]+)['"]/gm,
  // export { x } from '…', export * from '…', export type { X } from '…'
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s*['"]([^'"]+)['"]/gm,
  // import '…' (side effects only)
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  // dynamic imports (also in type positions), require and createRequire
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bcreateRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...new Set(IMPORTS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!)))];
}

type Kind = 'product' | 'tooling' | 'test' | 'root';

function kindOf(file: string): Kind {
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
  if (folder === '') return 'root';
  if ((TEST_FOLDERS as readonly string[]).includes(folder) || /\.test\.[cm]?[jt]sx?$/.test(file) || TEST_FAKES.some((p) => p.test(file))) return 'test';
  if (TOOLING.some((p) => p.test(file))) return 'tooling';
  return 'product';
}

const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');
const withoutExtension = (path: string) => path.replace(/\.(?:[cm]?[jt]s|tsx)$/, '');

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const builtins = new Set(builtinModules);
const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** What is wrong with `file` importing `specifier`, or undefined if nothing is. */
function violation(file: string, specifier: string): string | undefined {
  const kind = kindOf(file);
  if (!specifier.startsWith('.')) {
    if (specifier.startsWith('node:') || builtins.has(specifier)) return undefined;
    const name = packageName(specifier);
    if (kind === 'product' && pkg.dependencies[name] === undefined) {
      return pkg.devDependencies[name] === undefined ? `imports "${name}", which package.json does not declare` : `imports "${name}", a devDependency, into code that runs in production`;
    }
    if (pkg.dependencies[name] === undefined && pkg.devDependencies[name] === undefined) return `imports "${name}", which package.json does not declare`;
    return undefined;
  }
  const target = posix.normalize(posix.join(dirname(file), specifier.replace(/\?.*$/, '')));
  if (target.startsWith('..')) return `imports ${target}, outside the repository`;
  const from = folderOf(file);
  const to = folderOf(target);
  const targetKind = kindOf(SOURCE.test(target) ? target : `${target}.ts`);
  if (kind === 'root') return undefined;
  if (kind === 'test') {
    if (from === 'test-support' && (to === 'e2e' || to === 'bench')) return `imports ${target}: test-support is shared by e2e and bench, so it imports neither`;
    if (from !== to && (to === 'e2e' || to === 'bench')) return `imports ${target}: share it through test-support instead`;
    return undefined;
  }
  // Product code, and the build scripts that live in a product folder.
  if (targetKind === 'test') return `imports test code (${target}) into product code`;
  if (to === '') return `imports ${target} from the repository root`;
  if (to === from) return undefined;
  if (file === COMPOSITION_ROOT.from && withoutExtension(target) === COMPOSITION_ROOT.to) return undefined;
  const allowed = ALLOWED[from as Product];
  if (allowed === undefined) return `is in ${from}/, a folder the dependency graph does not know: give it a place in ALLOWED`;
  if (!(allowed as readonly string[]).includes(to)) {
    return `imports ${target}: ${from} ${allowed.length === 0 ? 'imports nothing else in this repository' : `may import only ${allowed.join(', ')}`}`;
  }
  return undefined;
}

describe('dependencies between top-level folders', () => {
  const files = sourceFiles();

  it('finds the source files', () => {
    expect(files).toContain('server/main.ts');
    expect(files).toContain('emulator/main.ts');
    expect(files).toContain('web/src/main.tsx');
  });

  it('point one way, with every package declared', () => {
    const problems = files.flatMap((file) => importsOf(file).flatMap((specifier) => {
      const problem = violation(file, specifier);
      return problem ? [`${file}: ${problem}`] : [];
    }));
    expect(problems).toEqual([]);
  });

  it.each([
    ['emulator/main.ts', '../server/local-mode', /emulator may import only local-setup, contracts/],
    ['server/app.ts', '../emulator/types', /server may import only local-setup, contracts/],
    ['server/routes/token.ts', '../../test-support/server-fixtures', /test code .* into product code/],
    ['emulator/media/leg.ts', '../../e2e/global-setup', /test code .* into product code/],
    ['web/src/core/controller.ts', '../../../server/config', /web may import only contracts/],
    ['web/src/core/controller.ts', './testing/fake-device', /test code .* into product code/],
    ['local-setup/setup.ts', '../server/config', /local-setup may import only contracts/],
    ['contracts/api/session.ts', '../../server/config', /contracts imports nothing else in this repository/],
    ['server/security/rate-limit.test.ts', '../../bench/load', /share it through test-support/],
    ['test-support/phone-ui.ts', '../e2e/global-setup', /imports neither/],
    ['emulator/media/browser-peer.ts', 'playwright-core', /does not declare/],
    ['server/app.ts', 'vitest', /a devDependency, into code that runs in production/],
    ['storage/db.ts', '../server/config', /a folder the dependency graph does not know/],
  ])('refuses %s importing %s', (file, specifier, problem) => {
    expect(violation(file, specifier)).toMatch(problem);
  });

  it.each([
    ['server/main.ts', '../emulator/plugin'],
    ['server/config.ts', '../local-setup/demo'],
    ['emulator/main.ts', '../local-setup/setup'],
    ['web/src/core/api.ts', '../../../contracts/api/session'],
    ['server/app.test.ts', '../test-support/app-requests'],
    ['e2e/emulator.spec.ts', '../local-setup/twilio-client'],
    ['bench/targets.ts', '../server/app'],
    ['web/scripts/bundle-analysis.ts', 'source-map-js'],
  ])('allows %s importing %s', (file, specifier) => {
    expect(violation(file, specifier)).toBeUndefined();
  });
});
