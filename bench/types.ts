/**
 * The shape every bench module returns. `npm run bench` (bench/main.ts) runs the modules one after another,
 * prints each section as a table and writes them all to bench/results/latest.json.
 */

/** One measured figure. `value` is a number in `unit` unless the figure is text (e.g. a verdict). */
export interface BenchRow {
  name: string;
  value: number | string;
  unit?: string;
  /** What the figure is held against, in words, e.g. "≥ 5× Express". */
  target?: string;
  /** Whether the target was met; undefined when the row has no target. */
  ok?: boolean;
  /** Short context printed after the figure, e.g. "p99 2.1 ms, 0 errors". */
  note?: string;
}

export interface BenchSection {
  /** Stable identifier, also the file name of the module: bench/<id>.ts */
  id: string;
  title: string;
  rows: BenchRow[];
  /** Lines printed under the table: how it was measured, what limited it. */
  notes?: string[];
  /** Raw figures for the JSON file (not printed). */
  data?: unknown;
}

export interface BenchOptions {
  /** Seconds per measured route (load modules); small values make a smoke run. */
  durationSeconds?: number;
  /** Print progress lines while running. */
  verbose?: boolean;
  /** The long runs: more calls in the memory sections (`npm run bench -- --soak`). */
  soak?: boolean;
}

export interface BenchModule {
  run(options?: BenchOptions): Promise<BenchSection>;
}
