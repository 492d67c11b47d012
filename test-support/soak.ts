/**
 * What the soak tests and benches repeat to stand in for a working day: the gateway expiring a tab's
 * token (the tab renews it) and dropping its signaling socket (the tab reconnects), through the
 * emulator's faults; each waits until the tab is reachable again, as the emulator sees it.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { clients, emulatorApi } from './emulator-api';
import { expectRegistered } from './phone-ui';

/** One reachable session for `identity`, with a token in force: every tab of it registered again. */
async function expectReachable(request: APIRequestContext, origin: string, identity: string): Promise<void> {
  await expect
    .poll(async () => {
      const mine = (await clients(request, origin)).filter((c) => c.identity === identity);
      return mine.length > 0 && mine.every((c) => c.reachable && !c.tokenExpired);
    }, { timeout: 30_000, intervals: [100, 250, 500] })
    .toBe(true);
}

/** The gateway expires the token in force (31205); the tab renews it with updateToken and stays registered. */
export async function expireToken(page: Page, request: APIRequestContext, identity: string, origin = ''): Promise<void> {
  const { expired } = await emulatorApi<{ expired: number }>(request, origin, 'POST', '/faults/expire-token', { identity });
  expect(expired).toBeGreaterThan(0);
  await expectReachable(request, origin, identity);
  await expectRegistered(page);
}

/** The signaling socket vanishes; the tab reconnects (a new Device and socket) and registers again. */
export async function dropSignaling(page: Page, request: APIRequestContext, identity: string, origin = ''): Promise<void> {
  const { dropped } = await emulatorApi<{ dropped: number }>(request, origin, 'POST', '/faults/drop-signaling', { identity });
  expect(dropped).toBeGreaterThan(0);
  await expectReachable(request, origin, identity);
  await expectRegistered(page);
}
