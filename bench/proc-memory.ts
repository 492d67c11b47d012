/**
 * Memory of processes, from /proc: what the bench's processes hold outside any heap it can ask about.
 * For a browser tab that is the renderer processes' private memory (where pages, their audio graphs and
 * WebRTC live), such as the audio buffers of Web Audio nodes, which neither the JavaScript heap's size
 * nor a heap snapshot's sizes show.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, CDPSession } from '@playwright/test';

/** The sum of these fields of the process's /proc/<pid>/smaps_rollup, in kB (0 where it cannot be read). */
export async function rollupKb(pid: number, fields: readonly ('Pss' | 'Private_Clean' | 'Private_Dirty')[]): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return fields.reduce((kb, field) => kb + Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0), 0);
}

/**
 * The renderers of the browser's own interface (WebUI such as the omnibox popup, which Chromium runs even
 * headless, and extensions): their memory is not the tab's, though it moves while the tab works.
 */
export function isBrowserUiRenderer(commandLine: string): boolean {
  return /--top-chrome-webui|--webui-|--extension-process/.test(commandLine);
}

/** The browser's renderer processes, the page's apart from the browser's own interface (`cdp`: a browser session). */
async function renderers(cdp: CDPSession): Promise<{ id: number; ui: boolean }[]> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  const out: { id: number; ui: boolean }[] = [];
  for (const { type, id } of processInfo) {
    // Chromium rewrites its argv into one string; either way the flags are in there.
    if (type === 'renderer') out.push({ id, ui: isBrowserUiRenderer((await readFile(`/proc/${id}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')) });
  }
  return out;
}

/**
 * Private_Clean + Private_Dirty, in bytes, of the renderer processes that host pages (`pages`) and of
 * those of the browser's own interface (`browserUi`).
 */
export async function rendererPrivateBytes(browser: Browser): Promise<{ pages: number; browserUi: number }> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const bytes = { pages: 0, browserUi: 0 };
    for (const { id, ui } of await renderers(cdp)) bytes[ui ? 'browserUi' : 'pages'] += (await rollupKb(id, ['Private_Clean', 'Private_Dirty'])) * 1024;
    return bytes;
  } finally {
    await cdp.detach();
  }
}

/**
 * The page renderers' memory by Chromium's own accounting (a memory-infra dump, as chrome://tracing
 * takes it): bytes by top-level allocator (`malloc`, `partition_alloc`, `blink_gc`, `v8`, `cc`, …), summed
 * over renderers. Where /proc says how much, this says whose. The dump is deterministic: Chromium first
 * asks V8 for a low-memory collection (repeated until nothing more is freed, Blink's heap included),
 * which gives back memory that ordinary collections leave for later (docs/benchmarks.md).
 */
export async function rendererAllocators(browser: Browser): Promise<Record<string, number>> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const events: { ph: string; pid: number; args?: { dumps?: { allocators?: Record<string, { attrs?: { size?: { value: string } } }> } } }[] = [];
    cdp.on('Tracing.dataCollected', ({ value }) => void events.push(...(value as unknown as typeof events)));
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', {
      traceConfig: { includedCategories: ['disabled-by-default-memory-infra'], excludedCategories: ['*'], memoryDumpConfig: { triggers: [] } },
      transferMode: 'ReportEvents',
    } as never);
    const pages = new Set((await renderers(cdp)).filter((r) => !r.ui).map((r) => r.id));
    await cdp.send('Tracing.requestMemoryDump', { deterministic: true, levelOfDetail: 'detailed' } as never);
    await cdp.send('Tracing.end');
    await complete;
    const bytes: Record<string, number> = {};
    for (const event of events) {
      if (event.ph !== 'v' || !pages.has(event.pid)) continue;
      for (const [name, dump] of Object.entries(event.args?.dumps?.allocators ?? {})) {
        const size = dump.attrs?.size?.value;
        if (name.includes('/') || size === undefined) continue;
        bytes[name] = (bytes[name] ?? 0) + parseInt(size, 16);
      }
    }
    return bytes;
  } finally {
    await cdp.detach();
  }
}
