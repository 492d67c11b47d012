/**
 * Bench section "call-cpu": what an active call costs the browser, per minute, with the in-call dialog
 * (timer, level meters) on screen: alice calls the echo phone and stays on the call. Measured over a
 * fixed window, next to the same tab idle (registered, no call):
 * - the tab's main thread: CDP Performance.getMetrics TaskDuration (all tasks) and ScriptDuration (JS);
 * - Chromium's processes (CDP SystemInfo.getProcessInfo): the renderer (main thread plus WebRTC and audio
 *   threads) and all processes together (browser, GPU, audio and network services);
 * - how often the level meters and the timer write to the page (a MutationObserver counts their writes);
 * - the same call with the tab hidden. Headless Chromium never hides a page, so the page is told it is
 *   hidden (document.visibilityState and a visibilitychange event): what is measured is what the app
 *   itself still does in a hidden tab; a really hidden tab also stops rendering.
 */
import type { Browser, CDPSession, Page } from '@playwright/test';
import { PHONES } from '../test-support/emulator-api';
import { hangUpIfInCall, prepareDial, signIn } from '../test-support/phone-ui';
import { sleep } from '../test-support/wait';
import { splitText, traceMainThread } from './main-thread-trace';
import { newInstrumentedPage, round, withBrowserStack } from './stack';
import type { BenchOptions, BenchSection } from './types';

const PORT = 3804;
const ECHO_PHONE = PHONES.echo;
const IDLE_SECONDS = 10;
const CALL_SECONDS = 20;
const HIDDEN_SECONDS = 10;
const TRACE_SECONDS = 5;
/** The meters' target; the rows say whether it was kept. */
const MAX_METER_FPS = 20;

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

/** Whether the meters look different from one moment to the next, as a person would see them move. */
async function meterIsMoving(page: Page): Promise<boolean> {
  const look = () => page.locator('.meters').screenshot({ animations: 'allow' });
  const first = await look();
  for (let i = 0; i < 8; i++) {
    await sleep(250);
    if (!(await look()).equals(first)) return true;
  }
  return false;
}

interface WriteCounts {
  /** Writes to the busier meter bar: its canvas painted, or its style written. */
  meter: number;
  timer: number;
}

/**
 * In the meters' painter worker: counts each canvas's paints from now on (every bar drawn starts with a
 * clearRect), whether the lengths came from the page or the levels straight from the audio thread.
 */
function countPaints(): void {
  const scope = self as unknown as { __paints: Map<unknown, number> };
  scope.__paints = new Map();
  const proto = OffscreenCanvasRenderingContext2D.prototype;
  const clear = proto.clearRect;
  proto.clearRect = function (this: OffscreenCanvasRenderingContext2D, ...args: Parameters<typeof clear>) {
    scope.__paints.set(this.canvas, (scope.__paints.get(this.canvas) ?? 0) + 1);
    return clear.apply(this, args);
  };
}

const paintsSoFar = () => Math.max(0, ...(self as unknown as { __paints: Map<unknown, number> }).__paints.values());

/** The meters' painter worker, when the meters are canvases. */
const painterOf = (page: Page) => page.workers().find((w) => w.url().includes('meter-worker')) ?? null;

/**
 * In the page: counts the meters' and the timer's writes from now on. A meter drawn by the painter
 * worker is counted there (countPaints); an element bar writes its style.
 */
function countWrites(): void {
  const w = window as unknown as { __writes: WriteCounts };
  w.__writes = { meter: 0, timer: 0 };
  const bars = new Map<unknown, number>();
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && (r.target as Element).classList.contains('meter-bar')) {
        bars.set(r.target, (bars.get(r.target) ?? 0) + 1);
        w.__writes.meter = Math.max(...bars.values());
      } else if ((r.target instanceof Element ? r.target : r.target.parentElement)?.closest('[role="timer"]')) {
        w.__writes.timer++;
      }
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['style'], childList: true, characterData: true });
}

async function writesSoFar(page: Page): Promise<WriteCounts> {
  const writes = await page.evaluate(() => ({ ...(window as unknown as { __writes: WriteCounts }).__writes }));
  const painter = painterOf(page);
  return painter ? { ...writes, meter: await painter.evaluate(paintsSoFar) } : writes;
}

/** In the page: it now believes it is hidden (or visible again), as after switching tabs. */
function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
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
    await page.evaluate(countWrites);
    await painterOf(page)?.evaluate(countPaints);
    const call = await measureWindow(pageCdp, browserCdp, CALL_SECONDS);
    const visibleWrites = await writesSoFar(page);
    const split = await traceMainThread(browser, page, TRACE_SECONDS);
    await page.evaluate(setHidden, true);
    // A frame already on its way may still land; count from here.
    await sleep(200);
    const beforeHidden = await writesSoFar(page);
    const hidden = await measureWindow(pageCdp, browserCdp, HIDDEN_SECONDS);
    const hiddenWrites = await writesSoFar(page);
    const title = await page.title();
    await page.evaluate(setHidden, false);
    await hangUpIfInCall(page);
    const meterFps = round(visibleWrites.meter / call.seconds, 1);
    const timerPerSecond = round(visibleWrites.timer / call.seconds, 2);
    const hiddenMeterWrites = hiddenWrites.meter - beforeHidden.meter;
    const hiddenTimerWrites = hiddenWrites.timer - beforeHidden.timer;

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
        { ...rowFor('tab main thread, all tasks', 'task', `CDP TaskDuration (style + layout ${call.styleLayout} s/min; the rest is mostly paint and commit)`), target: '≤ 1 s/min', ok: call.task <= 1 },
        rowFor('tab main thread, JavaScript', 'script', 'CDP ScriptDuration'),
        {
          name: 'tab main thread, split (trace)',
          value: round(Object.values(split.byKind).reduce((a, b) => a + b, 0), 2),
          unit: 's/min',
          note: `self time by kind over ${TRACE_SECONDS} s traced: ${splitText(split)}; biggest: ${split.top.slice(0, 6).map(([n, v]) => `${n} ${v}`).join(', ')}`,
        },
        rowFor('renderer process (all threads)', 'renderer', 'includes WebRTC and audio threads'),
        rowFor('all Chromium processes', 'all', Object.entries(call.byProcess).map(([t, v]) => `${t} ${v}`).join(', ')),
        { name: 'level meters moving', value: moving ? 'yes' : 'no', target: 'yes', ok: moving },
        { name: 'level meter updates', value: meterFps, unit: '/s', target: `≤ ${MAX_METER_FPS}/s`, ok: meterFps <= MAX_METER_FPS, note: 'paints of the busier bar (counted in the painter worker), over the call window' },
        { name: 'call timer updates', value: timerPerSecond, unit: '/s', target: '≤ 1/s', ok: timerPerSecond <= 1.05 },
        {
          name: 'tab hidden: main thread, all tasks',
          value: hidden.task,
          unit: 's/min',
          note: `JavaScript ${hidden.script} s/min; renderer ${hidden.renderer} s/min; ${hiddenMeterWrites} meter and ${hiddenTimerWrites} timer writes in ${hidden.seconds} s; title "${title}"`,
        },
        {
          name: 'tab hidden: nothing drawn',
          value: hiddenMeterWrites === 0 && hiddenTimerWrites === 0 ? 'yes' : 'no',
          target: 'yes',
          ok: hiddenMeterWrites === 0 && hiddenTimerWrites === 0,
        },
      ],
      notes: [
        `alice on a call with the echo phone ${ECHO_PHONE}; ${CALL_SECONDS} s measured after 2 s of media, idle figures over ${IDLE_SECONDS} s signed in with no call.`,
        'Headless Chromium with fake microphone; CPU seconds per minute of wall time (60 s/min = one core busy).',
      ],
      data: { idle, call, split, hidden, writes: { visible: visibleWrites, hidden: hiddenWrites }, title },
    };
  });
}
