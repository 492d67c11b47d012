/**
 * Bench section "call-cpu": what an active call costs the browser, per minute, with the in-call dialog
 * (timer, level meters) on screen: alice calls the echo phone and stays on the call. Measured over a
 * fixed window, next to the same tab idle (registered, no call):
 * - the tab's main thread: CDP Performance.getMetrics TaskDuration (all tasks) and ScriptDuration (JS);
 * - Chromium's processes (CDP SystemInfo.getProcessInfo): the renderer (main thread plus WebRTC and audio
 *   threads) and all processes together (browser, GPU, audio and network services).
 */
import type { Browser, CDPSession, Page } from '@playwright/test';
import { PHONES } from '../test-support/emulator-api';
import { hangUpIfInCall, prepareDial, signIn } from '../test-support/phone-ui';
import { sleep } from '../test-support/wait';
import { newInstrumentedPage, round, withBrowserStack } from './stack';
import type { BenchOptions, BenchSection } from './types';

const PORT = 3804;
const ECHO_PHONE = PHONES.echo;
const IDLE_SECONDS = 10;
const CALL_SECONDS = 20;

interface Sample {
  at: number;
  task: number;
  script: number;
  styleLayout: number;
  /** CPU seconds by Chromium process type, summed over processes of that type. */
  processes: Record<string, number>;
}

async function sample(page: CDPSession, browser: CDPSession): Promise<Sample> {
  const [{ metrics }, info] = await Promise.all([
    page.send('Performance.getMetrics'),
    browser.send('SystemInfo.getProcessInfo') as Promise<{ processInfo: { type: string; id: number; cpuTime: number }[] }>,
  ]);
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  const processes: Record<string, number> = {};
  for (const p of info.processInfo) processes[p.type] = (processes[p.type] ?? 0) + p.cpuTime;
  return { at: performance.now(), task: metric('TaskDuration'), script: metric('ScriptDuration'), styleLayout: metric('RecalcStyleDuration') + metric('LayoutDuration'), processes };
}

interface Window {
  seconds: number;
  /** CPU seconds per minute of wall time. */
  task: number;
  script: number;
  styleLayout: number;
  renderer: number;
  all: number;
  byProcess: Record<string, number>;
}

async function measureWindow(page: CDPSession, browser: CDPSession, seconds: number): Promise<Window> {
  const a = await sample(page, browser);
  await sleep(seconds * 1000);
  const b = await sample(page, browser);
  const wall = (b.at - a.at) / 1000;
  const perMinute = (x: number) => round((x * 60) / wall, 2);
  const byProcess = Object.fromEntries(Object.keys(b.processes).map((type) => [type, perMinute(b.processes[type]! - (a.processes[type] ?? 0))]));
  return {
    seconds: round(wall, 1),
    task: perMinute(b.task - a.task),
    script: perMinute(b.script - a.script),
    styleLayout: perMinute(b.styleLayout - a.styleLayout),
    renderer: byProcess.renderer ?? NaN,
    all: round(Object.values(byProcess).reduce((x, y) => x + y, 0), 2),
    byProcess,
  };
}

async function meterIsMoving(page: Page): Promise<boolean> {
  const read = () => page.locator('.meters').evaluate((el) => el.innerHTML);
  const first = await read();
  await sleep(500);
  return (await read()) !== first;
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    const { page } = await newInstrumentedPage(browser);
    await signIn(page, 'alice', { origin: server.origin });
    const pageCdp = await page.context().newCDPSession(page);
    await pageCdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const browserCdp = await browser.newBrowserCDPSession();

    await sleep(2000); // settle after sign-in (chunks loaded after registering, first renders)
    const idle = await measureWindow(pageCdp, browserCdp, IDLE_SECONDS);

    await (await prepareDial(page, ECHO_PHONE)).click();
    await page.locator('[data-testid="call-status"][data-state="inCall"]').waitFor({ timeout: 15_000 });
    await page.locator('.meters').waitFor();
    await sleep(2000); // past media set-up
    const moving = await meterIsMoving(page);
    const call = await measureWindow(pageCdp, browserCdp, CALL_SECONDS);
    await hangUpIfInCall(page);

    const pct = (secondsPerMinute: number) => `${((secondsPerMinute / 60) * 100).toFixed(1)}% of one core`;
    const rowFor = (name: string, key: 'task' | 'script' | 'renderer' | 'all', note: string) => ({
      name,
      value: call[key],
      unit: 's/min',
      note: `${pct(call[key])}; idle tab ${idle[key]} s/min; ${note}`,
    });
    return {
      id: 'call-cpu',
      title: 'Browser CPU time per minute of an active call (in-call dialog and meters showing)',
      rows: [
        rowFor('tab main thread, all tasks', 'task', `CDP TaskDuration (style + layout ${call.styleLayout} s/min; the rest is mostly paint)`),
        rowFor('tab main thread, JavaScript', 'script', 'CDP ScriptDuration'),
        rowFor('renderer process (all threads)', 'renderer', 'includes WebRTC and audio threads'),
        rowFor('all Chromium processes', 'all', Object.entries(call.byProcess).map(([t, v]) => `${t} ${v}`).join(', ')),
        { name: 'level meters moving', value: moving ? 'yes' : 'no', target: 'yes', ok: moving },
      ],
      notes: [
        `alice on a call with the echo phone ${ECHO_PHONE}; ${CALL_SECONDS} s measured after 2 s of media, idle figures over ${IDLE_SECONDS} s signed in with no call.`,
        'Headless Chromium with fake microphone; CPU seconds per minute of wall time (60 s/min = one core busy).',
      ],
      data: { idle, call },
    };
  });
}
