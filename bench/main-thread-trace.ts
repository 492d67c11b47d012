/**
 * Where a tab's main thread spends its time, from a Chromium trace: a few seconds are recorded with the
 * timeline categories and each trace event's self time (its duration less its children's) on the page's
 * renderer main thread is summed by kind: script, style, layout, paint, commit and compositing, garbage
 * collection, and the rest. Used by the call-cpu section to say what the CDP totals are made of; tracing
 * costs some time itself, so only the split is reported, never a total. BENCH_TRACE_FILE=path keeps the
 * trace itself, for Perfetto or chrome://tracing.
 */
import { writeFile } from 'node:fs/promises';
import type { Browser, Page } from '@playwright/test';
import { sleep } from '../test-support/wait';

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink', 'cc', 'gpu'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Trace event names by the kind of work they are, first match wins; anything else counts as "other". */
const KINDS: [kind: string, pattern: RegExp][] = [
  ['garbage collection', /GC|Scavenge|MarkCompact|MinorMS|V8\.GC/i],
  ['script', /FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|EventDispatch|v8\.|V8\.|RunMicrotasks|v8\.callFunction|ParseHTML|XHR/],
  ['style', /RecalcStyle|UpdateLayoutTree|StyleRecalc|ScheduleStyleRecalculation/],
  ['layout', /Layout|PrePaint/],
  ['paint', /Paint|Raster|DisplayItem|Decode/],
  ['commit and compositing', /Commit|Composit|LayerTree|UpdateLayer|cc::|ProxyMain|BeginMainFrame|Animation|Frame|Draw|Tile|Layer/i],
];

export function kindOf(name: string): string {
  return KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
}

export interface MainThreadSplit {
  seconds: number;
  /** Self time by kind, seconds per minute of wall time. */
  byKind: Record<string, number>;
  /** The biggest event names by self time, seconds per minute. */
  top: [name: string, secondsPerMinute: number][];
}

/** Self time of each complete event on one thread, nesting by time. */
function selfTimes(events: TraceEvent[]): Map<string, number> {
  const sorted = events.filter((e) => e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const totals = new Map<string, number>();
  const stack: { end: number; name: string; self: number }[] = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack.at(-1)!.end <= until) {
      const done = stack.pop()!;
      totals.set(done.name, (totals.get(done.name) ?? 0) + done.self);
    }
  };
  for (const e of sorted) {
    close(e.ts);
    const parent = stack.at(-1);
    if (parent) parent.self -= Math.min(e.dur!, parent.end - e.ts);
    stack.push({ end: e.ts + e.dur!, name: e.name, self: e.dur! });
  }
  close(Infinity);
  return totals;
}

export function splitTrace(events: TraceEvent[], seconds: number): MainThreadSplit {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer is the one whose main thread was busiest; other renderers (none here) idle.
  let best = new Map<string, number>();
  let bestTotal = -1;
  for (const main of mains) {
    const totals = selfTimes(events.filter((e) => e.pid === main.pid && e.tid === main.tid));
    const total = [...totals.values()].reduce((a, b) => a + b, 0);
    if (total > bestTotal) [best, bestTotal] = [totals, total];
  }
  const perMinute = (us: number) => Number(((us / 1e6) * (60 / seconds)).toFixed(3));
  const byKind: Record<string, number> = {};
  for (const [name, us] of best) byKind[kindOf(name)] = (byKind[kindOf(name)] ?? 0) + us;
  return {
    seconds,
    byKind: Object.fromEntries(Object.entries(byKind).sort(([, a], [, b]) => b - a).map(([k, us]) => [k, perMinute(us)])),
    top: [...best].sort(([, a], [, b]) => b - a).slice(0, 12).map(([name, us]) => [name, perMinute(us)]),
  };
}

/** Records `seconds` of `page`'s main thread and splits its time by kind. */
export async function traceMainThread(browser: Browser, page: Page, seconds: number): Promise<MainThreadSplit> {
  await browser.startTracing(page, { categories: CATEGORIES });
  const started = performance.now();
  await sleep(seconds * 1000);
  const buffer = await browser.stopTracing();
  // The whole trace, for Perfetto or chrome://tracing, when asked for.
  if (process.env.BENCH_TRACE_FILE) await writeFile(process.env.BENCH_TRACE_FILE, buffer);
  const wall = (performance.now() - started) / 1000;
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return splitTrace(Array.isArray(parsed) ? parsed : parsed.traceEvents, wall);
}

export const splitText = (split: MainThreadSplit) =>
  Object.entries(split.byKind)
    .map(([kind, v]) => `${kind} ${v}`)
    .join(', ');
