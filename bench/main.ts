/**
 * `npm run bench`: runs the bench modules one after another, prints each as a table and writes all of
 * them to bench/results/latest.json.
 *
 *   npm run bench                       all modules, default durations
 *   npm run bench -- --seconds 10       longer load runs
 *   npm run bench -- --only server      some modules (comma-separated ids)
 *   npm run bench -- --soak             the memory sections' long runs (200 browser calls, 500 emulator calls)
 *
 * A module is a file bench/<id>.ts exporting `run(options?: BenchOptions): Promise<BenchSection>`; add
 * its id to MODULES to include it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchModule, BenchOptions, BenchRow, BenchSection } from './types';

/** In the order they run; each is loaded only when it runs. */
export const MODULES: Record<string, () => Promise<BenchModule>> = {
  'page-load': () => import('./page-load'),
  'call-setup': () => import('./call-setup'),
  bundle: () => import('./bundle'),
  'call-cpu': () => import('./call-cpu'),
  'call-memory': () => import('./call-memory'),
  server: () => import('./server'),
  'emulator-calls': () => import('./emulator-calls'),
  storage: () => import('./storage'),
  'missed-call': () => import('./missed-call'),
  messages: () => import('./messages'),
  pwa: () => import('./pwa'),
  'emulator-memory': () => import('./emulator-memory'),
  conferences: () => import('./conferences'),
  voicemail: () => import('./voicemail'),
  'call-control': () => import('./call-control'),
};

export interface BenchReport {
  startedAt: string;
  node: string;
  cpu: string;
  cores: number;
  sections: BenchSection[];
  failed: { id: string; error: string }[];
}

function formatValue(row: BenchRow): string {
  if (typeof row.value === 'string') return row.value;
  const n = Math.abs(row.value) >= 100 ? Math.round(row.value).toLocaleString('en-US') : String(row.value);
  return row.unit ? `${n} ${row.unit}` : n;
}

export function formatSection(section: BenchSection): string {
  const rows = section.rows.map((row) => [
    row.name,
    formatValue(row),
    row.target === undefined ? '' : `${row.ok ? 'ok' : 'MISSED'} (${row.target})`,
    row.note ?? '',
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  const lines = [`== ${section.title}`];
  for (const r of rows) {
    lines.push(`  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]}`.trimEnd());
  }
  for (const note of section.notes ?? []) lines.push(`  · ${note}`);
  return lines.join('\n');
}

export async function runBench(ids: string[], options: BenchOptions): Promise<BenchReport> {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    sections: [],
    failed: [],
  };
  for (const id of ids) {
    const load = MODULES[id];
    if (!load) throw new Error(`unknown bench module "${id}"; known: ${Object.keys(MODULES).join(', ')}`);
    if (options.verbose) console.log(`running ${id} …`);
    try {
      const section = await (await load()).run(options);
      report.sections.push(section);
      console.log(formatSection(section));
    } catch (err) {
      // One broken module must not cost the figures of the others.
      const error = err instanceof Error ? err.message : String(err);
      report.failed.push({ id, error });
      console.error(`== ${id}: FAILED: ${error}`);
    }
  }
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string', default: fileURLToPath(new URL('./results/latest.json', import.meta.url)) },
      quiet: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
    },
  });
  const ids = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(MODULES);
  const durationSeconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (durationSeconds !== undefined && !(durationSeconds > 0)) throw new Error('--seconds: a positive number');
  const report = await runBench(ids, { verbose: !values.quiet, soak: values.soak, ...(durationSeconds === undefined ? {} : { durationSeconds }) });
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten to ${values.out}`);
  if (report.failed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
