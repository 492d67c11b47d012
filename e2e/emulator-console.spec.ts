/**
 * The emulator console (/emulator) worked by hand, next to the softphone: a person answers, places and
 * hangs up calls on simulated phones with the console's own buttons and forms, and finally talks to the
 * softphone through the console page's microphone and speaker. The control API is only read, to check
 * what the console shows against what the emulator knows.
 */
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { expectPhoneState, phone, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, expectTimerRunning, newPhonePage, signedInPages, signIn } from '../test-support/phone-ui';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const [page, problems] of consoleProblems) expect(problems, `errors on ${page.url()}`).toEqual([]);
  consoleProblems.clear();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Script errors and CSP refusals on a console page, which must stay empty. */
const consoleProblems = new Map<Page, string[]>();

async function gotoConsole(page: Page): Promise<Page> {
  const problems: string[] = [];
  consoleProblems.set(page, problems);
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  await page.goto('/emulator');
  return page;
}

async function openConsole(context: BrowserContext): Promise<Page> {
  const page = await gotoConsole(await context.newPage());
  await expect(page.getByRole('heading', { level: 1, name: 'Twilio Voice emulator' })).toBeVisible();
  // The first poll has filled in the phones.
  await expect(page.getByRole('article').first()).toBeVisible();
  return page;
}

/** A phone's card in the console, found by its heading ("Manual phone · +12025550102"). */
function phoneCard(consolePage: Page, number: string): Locator {
  return consolePage.getByRole('article', { name: new RegExp(`· ${number.replace('+', '\\+')}$`) });
}

const phoneState = (card: Locator) => card.getByTestId('phone-state');

/** What the card says the phone hears: "Hears: -23 dBFS · 412 packets". */
async function packetsHeardOnCard(card: Locator): Promise<number> {
  const text = (await card.getByTestId('phone-heard').textContent()) ?? '';
  const match = /(\d+) packets/.exec(text);
  return match ? Number(match[1]) : 0;
}

async function expectPhoneHearsAudio(card: Locator, request: Parameters<typeof phone>[0], number: string): Promise<void> {
  await expect.poll(() => packetsHeardOnCard(card), { timeout: 15_000 }).toBeGreaterThan(50);
  await expect.poll(async () => (await phone(request, number)).heard.peakLevelDbfs, { timeout: 15_000 }).toBeGreaterThan(-60);
}

test.describe('emulator console, worked by hand next to the softphone', () => {
  test('answer a call from alice in the console, hear each other, hang up from either side', async ({ browser, request }) => {
    const alice = await newPhonePage(browser);
    contexts.push(alice.context);
    await signIn(alice.page, 'alice');
    const consolePage = await openConsole(alice.context);
    const card = phoneCard(consolePage, PHONES.manual);
    await expect(card).toHaveAccessibleName(`Manual phone · ${PHONES.manual}`);
    await expect(phoneState(card)).toHaveText('idle', { timeout: 15_000 });

    await alice.page.bringToFront();
    const dialog = await dial(alice.page, PHONES.manual);
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'ringing');
    await expect(phoneState(card)).toHaveText('ringing');
    await expect(card.getByRole('button', { name: 'Hang up' })).toBeEnabled();

    await consolePage.bringToFront();
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(consolePage.getByRole('status')).toHaveText('Answer: done');
    await expect(phoneState(card)).toHaveText('in-call');
    await expect(card.getByRole('button', { name: 'Answer' })).toBeDisabled();
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(alice.page);
    await expectMediaBothWays(alice.page);
    await expectPhoneHearsAudio(card, request, PHONES.manual);

    // The call is listed with both legs' media; its Hang up is the phone card's, here.
    const { callSid } = await phone(request, PHONES.manual);
    expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);
    const listed = consolePage.locator(`#calls [data-sid="${callSid}"]`);
    await expect(listed.getByTestId('call-status')).toHaveText('in-progress');

    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden();
    await expect(phoneState(card)).toHaveText('idle');
    await expect(listed.getByTestId('call-status')).toHaveText('completed');
    await expect(listed.getByRole('button', { name: 'Hang up' })).toBeHidden();
    await expect(alice.page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');

    // A second call, answered in the console and hung up by alice: the phone is idle again.
    await alice.page.bringToFront();
    const second = await dial(alice.page, PHONES.manual);
    await expect(phoneState(card)).toHaveText('ringing');
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
    await expect(phoneState(card)).toHaveText('in-call');
    await second.getByRole('button', { name: 'Hang up' }).click();
    await expect(second).toBeHidden();
    await expect(phoneState(card)).toHaveText('idle');
    await expect(card.getByTestId('phone-heard')).toHaveText('Hears nothing (idle)');
    await expect(card.getByRole('button', { name: 'Hang up' })).toBeDisabled();
    await expectPhoneState(request, PHONES.manual, 'idle');
  });

  test('a phone calls the team number from the console: everyone signed in rings, bob takes it', async ({ browser, request }) => {
    const [alice, bob] = await signedInPages(browser, ['alice', 'bob']);
    contexts.push(alice.context, bob.context);
    const consolePage = await openConsole(alice.context);
    // Both members are listed as registered clients before anyone calls.
    const clients = consolePage.getByRole('region', { name: 'Registered clients' });
    for (const who of ['alice', 'bob']) {
      const rows = clients.getByRole('row').filter({ has: consolePage.getByRole('cell', { name: who, exact: true }) });
      await expect(rows.filter({ has: consolePage.getByRole('cell', { name: 'yes', exact: true }) })).not.toHaveCount(0);
    }

    const card = phoneCard(consolePage, PHONES.manual);
    await expect(phoneState(card)).toHaveText('idle', { timeout: 15_000 });
    await card.getByRole('combobox', { name: 'Number or user to call' }).fill(TEAM_NUMBER);
    await card.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(consolePage.getByRole('status')).toHaveText(`Call from ${PHONES.manual}: done`);
    await expect(phoneState(card)).toHaveText('calling');

    const aliceIncoming = alice.page.getByRole('alertdialog', { name: 'Incoming call' });
    const bobIncoming = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(aliceIncoming).toBeVisible();
    await expect(bobIncoming).toBeVisible();
    await expect(aliceIncoming.getByTestId('caller-id')).toHaveText('(202) 555-0102');
    await expect(bobIncoming.getByTestId('caller-id')).toHaveText('(202) 555-0102');

    await bobIncoming.getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(bob.page)).toHaveAttribute('data-state', 'inCall');
    await expect(aliceIncoming).toBeHidden();
    await expectTimerRunning(bob.page);
    await expectMediaBothWays(bob.page);

    await expect(phoneState(card)).toHaveText('in-call');
    const { callSid } = await phone(request, PHONES.manual);
    const listed = consolePage.locator(`#calls [data-sid="${callSid}"]`);
    await expect(listed).toHaveAccessibleName(`Call ${PHONES.manual} to ${TEAM_NUMBER}`);
    await expect(listed.getByTestId('call-status')).toHaveText('in-progress');
    await expectPhoneHearsAudio(card, request, PHONES.manual);

    // Hung up from the Calls list this time.
    await listed.getByRole('button', { name: 'Hang up' }).click();
    await expect(bob.page.getByRole('dialog', { name: /^Call with/ })).toBeHidden();
    await expect(listed.getByTestId('call-status')).toHaveText('completed');
    await expect(phoneState(card)).toHaveText('idle');
    await expect(alice.page.getByRole('dialog')).toHaveCount(0);
  });

  test('"Use my microphone and speaker": the console page answers alice and they hear each other', async ({ browser, request }) => {
    const DESK = '+12025550177';
    const alice = await newPhonePage(browser);
    const desk = await newPhonePage(browser);
    contexts.push(alice.context, desk.context);
    // Alice's phone and the console load side by side.
    const [, consolePage] = await Promise.all([signIn(alice.page, 'alice'), gotoConsole(desk.page)]);

    // A phone of its own, added from the console. Left alone it would answer with a tone by itself.
    await consolePage.getByText('Add a phone').click();
    const form = consolePage.locator('#add-phone');
    await form.getByLabel('Number', { exact: true }).fill(DESK);
    await form.getByLabel('Name', { exact: true }).fill('Desk phone');
    await form.getByLabel('Behaviour').selectOption({ label: 'answers with a tone' });
    await form.getByRole('button', { name: 'Add phone' }).click();
    const card = phoneCard(consolePage, DESK);
    await expect(card).toHaveAccessibleName(`Desk phone · ${DESK}`);
    await expect(phoneState(card)).toHaveText('idle');

    await card.getByRole('button', { name: 'Use my microphone and speaker' }).click();
    await expect(card.getByRole('button', { name: 'Stop using my microphone' })).toBeEnabled();
    await expect(card.getByText('operated from this console')).toBeVisible();

    // Operated from the console, it rings until the person at the console answers.
    const dialog = await dial(alice.page, DESK);
    await expect(phoneState(card)).toHaveText('ringing');
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'ringing');
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(phoneState(card)).toHaveText('in-call');
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(alice.page);

    // Alice hears the console's microphone, the console page hears alice's.
    const aliceMedia = await expectMediaBothWays(alice.page);
    const consoleMedia = await expectMediaBothWays(consolePage);
    console.log('alice media', aliceMedia, 'console page media', consoleMedia);
    await expectPhoneHearsAudio(card, request, DESK);
    // The console plays what it receives.
    await expect
      .poll(() => consolePage.locator('#phone-audio').evaluate((a: HTMLAudioElement) => a.srcObject !== null && !a.paused))
      .toBe(true);

    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden();
    await expect(phoneState(card)).toHaveText('idle');

    // Handing the phone back: it answers by itself with its tone again.
    await card.getByRole('button', { name: 'Stop using my microphone' }).click();
    await expect(card.getByRole('button', { name: 'Use my microphone and speaker' })).toBeEnabled();
    await expect(card.getByText('answers (440 Hz tone)')).toBeVisible();
    await expect.poll(async () => (await phone(request, DESK)).state).toBe('idle');
    const byItself = await dial(alice.page, DESK);
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await byItself.getByRole('button', { name: 'Hang up' }).click();
    await expect(byItself).toBeHidden();
    await expect(phoneState(card)).toHaveText('idle');
  });
});
