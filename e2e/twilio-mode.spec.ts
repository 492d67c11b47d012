/**
 * Twilio mode, set up by `npm run setup` from a fresh account (the emulator through the test-only endpoint
 * override): the server started from the `.env` it wrote places and receives calls in the browser, with
 * media both ways, and `npm run doctor` passes. test-support/twilio-stack.ts builds the stack.
 */
import { expect, test } from '@playwright/test';
import { phoneCalls, PHONES } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, expectTimerRunning, newPhonePage, signIn } from '../test-support/phone-ui';
import { runCommand, startTwilioModeStack, type TwilioModeStack } from '../test-support/twilio-stack';

let stack: TwilioModeStack;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  stack = await startTwilioModeStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

test('npm run setup on a fresh account: the server it configures places and receives calls; doctor passes', async ({ browser, request }) => {
  test.setTimeout(120_000);
  expect(stack.setup.output).toMatch(/done {4}API key: created SK[0-9a-f]{32}/);
  expect(stack.appLog()).toContain('WARNING: TWILIO_TEST_ENDPOINT is set');

  const { context, page } = await newPhonePage(browser);
  await signIn(page, 'alice', { origin: stack.appOrigin });
  expect(await page.evaluate(async () => (await (await fetch('/api/config')).json()).mode)).toBe('twilio');

  await dial(page, '202 555 0101');
  await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
  await expectTimerRunning(page);
  await expectMediaBothWays(page);
  await page.getByRole('button', { name: 'Hang up' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await phoneCalls(request, PHONES.manual, stack.teamNumber, stack.emulatorOrigin);
  const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
  await expect(incoming).toBeVisible();
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
  await expectMediaBothWays(page);
  await page.getByRole('button', { name: 'Hang up' }).click();
  await context.close();

  // Test processes get every server variable blanked (so a developer's shell cannot leak in), and a blank
  // variable hides the one in .env, as it does for the server: so the .env values are passed as they are.
  const doctor = await runCommand('server/cli/doctor-main.ts', ['--env-path', stack.envPath], { ...stack.env, ...stack.testSettings });
  expect(doctor.output).toContain('PASS  Public URL:');
  expect(doctor.code, doctor.output).toBe(0);
  await expect.poll(() => stack.appLog(), { timeout: 15_000 }).toContain('Twilio account checks passed');
});
