/**
 * `npm run bench` runs end to end (with tiny durations) and writes its JSON; the figures are not judged.
 * Part of `npm test`: it also guards, briefly, what bench/load.test.ts checks at length (no errors and no
 * non-2xx answers from the token route and the voice webhook under autocannon).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from './main';

const run = promisify(execFile);

describe('bench smoke', () => {
  it('bench/main.ts runs the server module and writes bench JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'softphone-bench-')), 'latest.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--only', 'server', '--seconds', '0.3', '--quiet', '--out', out], {
      timeout: 90_000,
    });
    expect(stdout).toContain('== Server routes on loopback');
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    expect(report.failed).toEqual([]);
    const section = report.sections.find((s) => s.id === 'server')!;
    const names = section.rows.map((r) => r.name);
    for (const expected of ['fastify-ceiling constant JSON', 'express-quickstart token', 'express-quickstart voice webhook', 'softphone token', 'softphone voice webhook']) {
      expect(names).toContain(expected);
    }
    for (const row of section.rows.filter((r) => r.unit === 'req/s')) expect(row.value, row.name).toBeGreaterThan(0);
    expect(section.rows.find((r) => r.name === 'errors or non-2xx responses')?.value).toBe(0);
    console.log(`bench smoke: ${section.rows.length} rows, e.g. ${section.rows.filter((r) => r.unit === '×').map((r) => `${r.name} ${r.value}×`).join('; ')}`);
  }, 120_000);
});
