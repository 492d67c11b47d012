/**
 * The softphone's web UI worked as a person works it, for the browser tests and the benches: a fresh
 * instrumented page, sign-in, the dial pad, the call dialog, the language switcher, screenshots.
 * Elements are found by role, name or test id as a person (or a screen reader) would find them.
 */
import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { instrument } from './page-instrumentation';
import { DEMO_PASSWORD } from './local-server';

export const LANGUAGES = ['en', 'ja', 'zh-TW', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One person's tab: a page in a context of its own. */
export interface PhoneTab {
  context: BrowserContext;
  page: Page;
}

/** A page in a context of its own (its own cookies: one person), instrumented for media stats. */
export async function newPhonePage(
  browser: Browser,
  options: {
    locale?: string;
    reducedMotion?: 'reduce' | 'no-preference';
    storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1100, height: 800 },
    reducedMotion: options.reducedMotion ?? 'no-preference',
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  await instrument(context);
  const page = await context.newPage();
  return { context, page };
}

/**
 * One signed-in tab per name (each a context of its own), opened side by side as several people would
 * open theirs: the sign-ins and registrations overlap instead of queueing. No call yet, so no media runs
 * side by side.
 */
export async function signedInPages<const Names extends readonly string[]>(
  browser: Browser,
  names: Names,
  options: Parameters<typeof newPhonePage>[1] = {},
): Promise<{ [K in keyof Names]: PhoneTab }> {
  const tabs = await Promise.all(
    names.map(async (name) => {
      const tab = await newPhonePage(browser, options);
      await signIn(tab.page, name);
      return tab;
    }),
  );
  return tabs as { [K in keyof Names]: PhoneTab };
}

/**
 * Signs in with the test servers' demo password and waits until the phone is registered. Opens the app
 * first (at `origin`, or the context's base URL) unless `navigate` is false. Resolves with the app's own
 * "registered" mark (milliseconds from navigation start).
 */
export async function signIn(page: Page, username: string, options: { navigate?: boolean; origin?: string } = {}): Promise<number> {
  if (options.navigate !== false) await page.goto(`${options.origin ?? ''}/`);
  // By field name rather than label, so this works in every language.
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expectRegistered(page);
  return page.evaluate(() => performance.getEntriesByName('softphone-registered')[0]?.startTime ?? -1);
}

export async function expectRegistered(page: Page, timeout = 20_000): Promise<void> {
  await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered', { timeout });
}

export async function openDialPad(page: Page) {
  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  await expect(dialog).toBeVisible();
  return { dialog, input: dialog.getByLabel('Phone number or name'), call: dialog.getByRole('button', { name: 'Call', exact: true }) };
}

/** Opens the dial pad and types `target`; resolves with the Call button, ready to be clicked. */
export async function prepareDial(page: Page, target: string) {
  const pad = await openDialPad(page);
  await pad.input.fill(target);
  return pad.call;
}

/** Dials `target` and resolves with the call dialog once it shows. */
export async function dial(page: Page, target: string) {
  await (await prepareDial(page, target)).click();
  const dialog = page.getByRole('dialog', { name: /^Call with/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The call dialog's status; its data-state is dialing, ringing, inCall or reconnecting. */
export function callStatus(page: Page) {
  return page.getByTestId('call-status');
}

/** The timer text must change: it is running, not just shown. */
export async function expectTimerRunning(page: Page): Promise<void> {
  const timer = page.getByRole('timer');
  await expect(timer).toBeVisible();
  const first = await timer.textContent();
  await expect(timer).not.toHaveText(first ?? '', { timeout: 5_000 });
  await expect(timer).toHaveText(/^\d+:\d\d$/);
}

/**
 * The call's level meters are alive as a person sees them: the meters' pixels change from one moment to
 * the next (they are drawn on canvases, so only a screenshot shows them), and both meters' accessible
 * values rise above zero: the microphone's (Chromium's fake microphone beeps) and the far end's.
 */
export async function expectMetersMoving(page: Page): Promise<void> {
  const meters = page.locator('.meters');
  const first = await meters.screenshot();
  await expect.poll(async () => (await meters.screenshot()).equals(first), { timeout: 5_000 }).toBe(false);
  for (const name of ['Your microphone', 'Their voice']) {
    await expect.poll(async () => Number(await page.getByRole('meter', { name }).getAttribute('aria-valuenow')), { timeout: 5_000, message: `${name} meter` }).toBeGreaterThan(0);
  }
}

export async function hangUpIfInCall(page: Page): Promise<void> {
  const hangUp = page.getByRole('button', { name: 'Hang up' });
  if (await hangUp.isVisible().catch(() => false)) await hangUp.click();
  await expect(hangUp).toBeHidden({ timeout: 10_000 });
}

export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  // The label is translated, so find the switcher by its options instead.
  const select = page.locator('select:has(option[value="zh-TW"])').first();
  await select.selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let enter animations finish so the picture shows the settled dialog; with reduced motion there are none.
  if (!(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches))) await page.waitForTimeout(200);
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

// ---- Recents, the missed-calls badge, availability ----

/** The Recents card (in English). */
export function recents(page: Page) {
  return page.getByRole('region', { name: 'Recents' });
}

/** The rows of Recents, newest first; each has data-call-id and data-outcome. */
export function recentCalls(page: Page) {
  return recents(page).getByTestId('recent-call');
}

/** The ids of the calls Recents shows now (to tell a new row from an earlier test's). */
export async function recentCallIds(page: Page): Promise<string[]> {
  return recentCalls(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-call-id') ?? ''));
}

/** Resolves with the first row whose call is not among `known` and matches `outcome`, once it shows. */
export async function newRecentCall(page: Page, known: readonly string[], outcome: string | RegExp, timeout = 45_000) {
  let id = '';
  await expect
    .poll(
      async () => {
        const rows = await recentCalls(page).evaluateAll((list) => list.map((row) => [row.getAttribute('data-call-id') ?? '', row.getAttribute('data-outcome') ?? '']));
        id = rows.find(([rowId, rowOutcome]) => !known.includes(rowId!) && (typeof outcome === 'string' ? rowOutcome === outcome : outcome.test(rowOutcome!)))?.[0] ?? '';
        return id;
      },
      { timeout },
    )
    .not.toBe('');
  return recents(page).locator(`[data-call-id="${id}"]`);
}

/** The missed-calls badge count (0 when no badge is shown). */
export async function missedBadgeCount(page: Page): Promise<number> {
  const badge = recents(page).getByTestId('missed-badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
}

/** The unread-texts badge beside the Messages heading (0 when there is none). */
export async function unreadTextCount(page: Page): Promise<number> {
  const badge = page.getByRole('region', { name: 'Messages' }).getByTestId('messages-badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
}

/** The unheard-voicemail count beside the Voicemail heading (0 when there is no badge). */
export async function voicemailBadgeCount(page: Page): Promise<number> {
  const section = page.getByRole('region', { name: 'Voicemail' });
  await expect(section.getByText('Loading voicemail…')).toBeHidden();
  const badge = section.getByTestId('voicemail-badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
}

/** What the tab title shows for these counts: "Softphone", or "(n) Softphone" (UnseenIndicator). */
export const titleFor = (unseen: number) => (unseen > 0 ? `(${unseen > 99 ? '99+' : unseen}) Softphone` : 'Softphone');

/** The header switch named "Available" (off: Do not disturb). */
export function availabilitySwitch(page: Page) {
  return page.getByRole('switch', { name: 'Available' });
}

export async function setAvailable(page: Page, available: boolean): Promise<void> {
  const toggle = availabilitySwitch(page);
  if ((await toggle.getAttribute('aria-checked')) !== String(available)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', String(available));
}

/** What a colleague's row on the home screen says of them: Available, Do not disturb or On a call. */
export function colleaguePresence(page: Page, name: string) {
  return page.getByRole('region', { name: 'Colleagues' }).getByRole('listitem').filter({ hasText: name }).getByTestId('presence');
}

/**
 * One whole call through the UI, as the soak tests and benches repeat it: dial `target` (a phone that
 * answers by itself), wait until connected, keep the call up for `holdMs` (meters and timer running),
 * hang up, and wait until the dial pad can be opened again.
 */
export async function callAndHangUp(page: Page, target: string, holdMs = 500): Promise<void> {
  await (await prepareDial(page, target)).click();
  await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
  if (holdMs > 0) await page.waitForTimeout(holdMs);
  await hangUpIfInCall(page);
  await expect(page.getByRole('button', { name: 'New call' })).toBeEnabled();
}
