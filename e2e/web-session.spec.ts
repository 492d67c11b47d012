/** Signing in and out: the session survives a reload, sign-out unregisters and ends it. */
import { expect, test } from '@playwright/test';
import { clients } from '../test-support/emulator-api';
import { expectRegistered, newPhonePage, signIn } from '../test-support/phone-ui';

test('web: a reload keeps the session; sign-out unregisters the phone and ends the session', async ({ browser, request }) => {
  const { context, page } = await newPhonePage(browser);
  await signIn(page, 'bob');
  await page.reload();
  await expectRegistered(page);
  await expect(page.getByTestId('identity')).toHaveText('bob');

  const registered = async () => (await clients(request)).filter((c) => c.identity === 'bob' && c.registered).length;
  await expect.poll(registered).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect.poll(registered).toBe(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await context.close();
});
