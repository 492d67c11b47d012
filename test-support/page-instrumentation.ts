/**
 * What browser tests and benches add to a page to read it the way a person's ears would: every
 * RTCPeerConnection the page makes is kept, so WebRTC stats give packets and audio energy both ways; and a
 * recorder of the data-state sequence an element shows, which polling could miss.
 *
 * The functions passed to the page run there, not in Node: they may use only what they are given.
 */
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { callDetail } from './emulator-api';

interface InstrumentedWindow {
  __peerConnections: RTCPeerConnection[];
  __dataStates: Record<string, string[]>;
}

/**
 * Runs in the page before its own scripts: keeps every RTCPeerConnection it creates until a later one
 * finds it closed, so the list itself does not keep ended calls alive (the soak tests count them).
 */
export const RECORD_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const w = window as unknown as InstrumentedWindow;
  w.__peerConnections = [];
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__peerConnections = [...w.__peerConnections.filter((pc) => pc.connectionState !== 'closed'), this];
    }
  } as typeof RTCPeerConnection;
};

/**
 * tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`; functions sent to the
 * page from code run by tsx (the benches) need that helper there too. Harmless elsewhere.
 */
export const NAME_HELPER = 'window.__name = (f) => f;';

/** Adds the recorder (and the name helper) to every page of the context. */
export async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: NAME_HELPER });
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
}

export interface AudioStats {
  packetsSent: number;
  packetsReceived: number;
  /** Total audio energy received (Chromium's inbound-rtp totalAudioEnergy). */
  energyReceived: number;
  /** Total audio energy of the microphone being sent (media-source totalAudioEnergy). */
  energySent: number;
  /** Peer connections still open. */
  connections: number;
}

/** Audio stats summed over the page's open peer connections. */
export function audioStats(page: Page): Promise<AudioStats> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as Partial<InstrumentedWindow>).__peerConnections ?? [];
    const totals = { packetsSent: 0, packetsReceived: 0, energyReceived: 0, energySent: 0, connections: 0 };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      totals.connections++;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.kind !== 'audio') return;
        if (s.type === 'outbound-rtp') totals.packetsSent += Number(s.packetsSent ?? 0);
        if (s.type === 'inbound-rtp') {
          totals.packetsReceived += Number(s.packetsReceived ?? 0);
          totals.energyReceived += Number(s.totalAudioEnergy ?? 0);
        }
        if (s.type === 'media-source') totals.energySent += Number(s.totalAudioEnergy ?? 0);
      });
    }
    return totals;
  });
}

/** Audio flows both ways: packets go out, and packets carrying sound come in. */
export async function expectMediaBothWays(page: Page): Promise<AudioStats> {
  let last: AudioStats | undefined;
  await expect
    .poll(
      async () => {
        last = await audioStats(page);
        return last.packetsSent > 50 && last.packetsReceived > 50 && last.energyReceived > 0;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return last!;
}

/** Media flows both ways from now on: packets keep arriving at the page and at the emulator's leg. */
export async function expectMediaFlowing(page: Page, request: APIRequestContext, origin: string, callSid: string): Promise<void> {
  const before = await audioStats(page);
  const leg = async () => (await callDetail(request, callSid, origin)).media?.packetsReceived ?? 0;
  const legBefore = await leg();
  await expect.poll(async () => (await audioStats(page)).packetsReceived - before.packetsReceived, { timeout: 15_000 }).toBeGreaterThan(25);
  await expect.poll(async () => (await leg()) - legBefore, { timeout: 15_000 }).toBeGreaterThan(25);
}

/**
 * Records, inside the page, every distinct data-state the element with this test id shows, in order
 * ("none" while it is absent), so a test can assert a sequence it could miss by polling.
 */
export async function watchDataState(page: Page, testId: string): Promise<void> {
  await page.evaluate((id) => {
    const seen: string[] = [];
    const all = ((window as unknown as Partial<InstrumentedWindow>).__dataStates ??= {});
    all[id] = seen;
    const note = () => {
      const state = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') ?? 'none';
      if (seen.at(-1) !== state) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  }, testId);
}

/** What watchDataState has recorded so far. */
export function dataStates(page: Page, testId: string): Promise<string[]> {
  return page.evaluate((id) => (window as unknown as InstrumentedWindow).__dataStates[id] ?? [], testId);
}
