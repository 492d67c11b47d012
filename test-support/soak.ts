/**
 * What the soak tests and benches repeat to stand in for a working day: the gateway expiring a tab's
 * token (the tab renews it) and dropping its signaling socket (the tab reconnects), through the
 * emulator's faults; each waits until the tab is reachable again, as the emulator sees it. And a day's
 * history to start from.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { LocalCredentials } from '../local-setup/setup';
import { scenarioRequests, type Scenario } from './call-scenarios';
import { clients, emulatorApi } from './emulator-api';
import { postSigned } from './node-client';
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

/**
 * `count` answered calls from `identity` to `number`, as Twilio reports them to the app (the signed voice
 * webhook, the dialled leg's status callbacks, the <Dial> action, the app's status callback), started just
 * now, so they are the newest rows in that person's Recents. A soak fills Recents' window this way before
 * it measures, with the same kind of row its own calls add: it then measures the same thing whether
 * earlier specs filled the window or it runs alone.
 */
export async function addAnsweredCalls(origin: string, dataDir: string, identity: string, number: string, count: number): Promise<void> {
  const c = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as LocalCredentials;
  const now = Math.floor(Date.now() / 1000) * 1000;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const start = new Date(now - (count - i) * 2000);
      const scenario: Scenario = { kind: 'outbound', sid: `CA${randomBytes(16).toString('hex')}`, caller: identity, callee: number, ring: [], result: 'answered', answerAfter: 0, talkSeconds: 1, ringSeconds: 0, start };
      // In order, as Twilio sends them for one call; calls go side by side.
      for (const r of scenarioRequests(scenario)) {
        const res = await postSigned(origin, origin, c.authToken, r.path, { ...r.params, AccountSid: c.accountSid });
        expect(res.status, `${r.path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      }
    }),
  );
}
