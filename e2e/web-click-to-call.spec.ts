/**
 * "Call via my phone": alice keeps her mobile's number in Settings and chooses to dial through it. Dialing
 * a number rings her simulated mobile (operated from the emulator console with that page's microphone and
 * speaker, so it carries real audio); she answers, presses 1, the destination rings and answers, and audio
 * flows both ways. The app follows every step live and hangs the call up.
 */
import { expect, test, type BrowserContext } from '@playwright/test';
import { emulatorApi, expectPhoneState, phone, phonePath, PHONES } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { newPhonePage, openDialPad, signIn } from '../test-support/phone-ui';

const MOBILE = '+12025550178';
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

test('Call via my phone rings my mobile, I press 1, the destination rings, audio both ways, hung up from the app', async ({ browser, request }) => {
  await emulatorApi(request, '', 'POST', '/phones', { number: MOBILE, name: 'Alice’s mobile', behaviour: { kind: 'manual' } });
  const alice = await newPhonePage(browser);
  const desk = await newPhonePage(browser);
  contexts.push(alice.context, desk.context);
  // Alice's phone and the console (the mobile, operated with that page's microphone and speaker) load side by side.
  await Promise.all([signIn(alice.page, 'alice'), desk.page.goto('/emulator')]);
  const card = desk.page.getByRole('article', { name: new RegExp(`· ${MOBILE.replace('+', '\\+')}$`) });
  await card.getByRole('button', { name: 'Use my microphone and speaker' }).click();
  await expect(card.getByRole('button', { name: 'Stop using my microphone' })).toBeEnabled();

  // Settings: a number calls may not go to is refused in words; the mobile is kept, and chosen.
  await alice.page.getByRole('button', { name: 'Audio settings' }).click();
  const settings = alice.page.getByRole('dialog', { name: 'Audio settings' });
  const field = settings.getByRole('textbox', { name: 'My phone number' });
  const choice = settings.getByRole('checkbox', { name: 'Call via my phone' });
  // Forgetting the number (the suite's database outlives a run) leaves nothing to dial through.
  await field.fill('');
  await settings.getByRole('button', { name: 'Save number' }).click();
  await expect(settings.getByText('Saved.')).toBeVisible();
  await expect(choice).toBeDisabled();
  await field.fill('+33 6 12 34 56 78');
  await settings.getByRole('button', { name: 'Save number' }).click();
  await expect(settings.getByText('Calls to that country are not allowed from the team number.')).toBeVisible();
  await field.fill('(202) 555-0178');
  await settings.getByRole('button', { name: 'Save number' }).click();
  await expect(settings.getByText('Saved.')).toBeVisible();
  await expect(field).toHaveValue(MOBILE);
  await choice.check();
  await settings.getByRole('button', { name: 'Done' }).click();

  await expectPhoneState(request, PHONES.tone, 'idle');
  const pad = await openDialPad(alice.page);
  await pad.input.fill(PHONES.tone);
  await pad.call.click();
  const stage = alice.page.getByTestId('click-to-call-stage');
  await expect(stage).toHaveText(`Calling your phone ${MOBILE}…`);
  // No call in this browser: the server called the mobile.
  await expect(alice.page.getByRole('dialog', { name: /^Call with/ })).toHaveCount(0);

  await expect(card.getByTestId('phone-state')).toHaveText('ringing');
  await card.getByRole('button', { name: 'Answer' }).click();
  await expect(stage).toHaveText(`Press 1 on your phone to call ${PHONES.tone}`);
  // The destination is not rung before the key.
  expect((await phone(request, PHONES.tone)).state).toBe('idle');
  await emulatorApi(request, '', 'POST', `${phonePath(MOBILE)}/dtmf`, { digits: '1' });

  await expect(stage).toHaveText(`Connected to ${PHONES.tone}`, { timeout: 15_000 });
  await expectPhoneState(request, PHONES.tone, 'in-call');
  // The mobile hears the destination's tone and sends its microphone; the destination hears it.
  const media = await expectMediaBothWays(desk.page);
  console.log('mobile (console page) media', media);
  await expect.poll(async () => (await phone(request, PHONES.tone)).heard.packetsReceived, { timeout: 15_000 }).toBeGreaterThan(50);

  await alice.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(stage).toHaveText('The call has ended.');
  await expectPhoneState(request, MOBILE, 'idle');
  await expectPhoneState(request, PHONES.tone, 'idle');
  await alice.page.getByRole('button', { name: 'Close' }).click();
  await expect(stage).toHaveCount(0);
});
