/**
 * The private memory of a Chromium's renderer processes (where pages, their audio graphs and WebRTC
 * live), from /proc: what a tab holds outside the JavaScript heap, such as the audio buffers of Web
 * Audio nodes, which neither the heap's size nor a heap snapshot's sizes show.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from '@playwright/test';

/** Private_Clean + Private_Dirty of every renderer process, in bytes (0 where /proc cannot be read). */
export async function rendererPrivateBytes(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let kb = 0;
    for (const { type, id } of processInfo) {
      if (type !== 'renderer') continue;
      const rollup = await readFile(`/proc/${id}/smaps_rollup`, 'utf8').catch(() => '');
      kb += Number(/^Private_Clean:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) + Number(/^Private_Dirty:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    }
    return kb * 1024;
  } finally {
    await cdp.detach();
  }
}
