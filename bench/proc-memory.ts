/**
 * Memory of processes, from /proc: what the bench's processes hold outside any heap it can ask about.
 * For a browser tab that is the renderer processes' private memory (where pages, their audio graphs and
 * WebRTC live), such as the audio buffers of Web Audio nodes, which neither the JavaScript heap's size
 * nor a heap snapshot's sizes show.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from '@playwright/test';

/** The sum of these fields of the process's /proc/<pid>/smaps_rollup, in kB (0 where it cannot be read). */
export async function rollupKb(pid: number, fields: readonly ('Pss' | 'Private_Clean' | 'Private_Dirty')[]): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return fields.reduce((kb, field) => kb + Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0), 0);
}

/** Private_Clean + Private_Dirty of every renderer process of the browser, in bytes. */
export async function rendererPrivateBytes(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let kb = 0;
    for (const { type, id } of processInfo) if (type === 'renderer') kb += await rollupKb(id, ['Private_Clean', 'Private_Dirty']);
    return kb * 1024;
  } finally {
    await cdp.detach();
  }
}
