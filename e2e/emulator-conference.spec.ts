/**
 * Conferences in the emulator console, worked by hand: two tone phones are dialed into a conference
 * with the console's form, the console shows who hears whom (by the tones each participant hears),
 * a participant is held and resumed with its own button, and the conference is ended. The control API
 * is only read, to check what the console shows against what the phones hear.
 */
import { expect, test, type Page } from '@playwright/test';
import { emulatorApi, phone } from '../test-support/emulator-api';

const CUSTOMER = '+12025550161';
const AGENT = '+12025550162';

async function addToConference(page: Page, conference: string, to: string, label: string): Promise<void> {
  const form = page.locator('#add-to-conference');
  await form.getByLabel('Conference').fill(conference);
  await form.getByLabel('Number or client').fill(to);
  await form.getByLabel('Label').fill(label);
  await form.getByRole('button', { name: 'Add to conference' }).click();
  await expect(page.getByRole('status')).toHaveText(`Add ${to} to ${conference}: done`);
}

test('a conference in the console: phones dialed in, who hears whom, hold and resume, end', async ({ page, request }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  for (const [number, hz] of [[CUSTOMER, 440], [AGENT, 660]] as const) {
    await emulatorApi(request, '', 'POST', '/phones', { number, name: `Tone ${hz}`, behaviour: { kind: 'answer', after: 200, audio: 'tone', toneHz: hz } });
  }
  await page.goto('/emulator');
  await expect(page.getByRole('heading', { level: 2, name: 'Conferences' })).toBeVisible();
  await page.getByText('Dial a phone or a client into a conference').click();
  await addToConference(page, 'console-room', CUSTOMER, 'customer');
  await addToConference(page, 'console-room', AGENT, 'agent');

  const room = page.getByRole('group', { name: 'Conference console-room' });
  await expect(room.getByTestId('conference-status')).toHaveText('in-progress', { timeout: 15_000 });
  const customer = room.getByRole('row', { name: `Participant customer (${CUSTOMER})` });
  const agent = room.getByRole('row', { name: `Participant agent (${AGENT})` });
  await expect(customer).toContainText('in the conference');
  // Each hears the other's tone, not its own.
  await expect(customer.locator('.hears')).toHaveText(/660 Hz/, { timeout: 15_000 });
  await expect(agent.locator('.hears')).toHaveText(/440 Hz/);
  await expect(customer.locator('.hears')).not.toHaveText(/440 Hz/);

  // Hold the customer: the row says so, the agent stops hearing 440 Hz, the customer hears music.
  await customer.getByRole('button', { name: `Hold customer (${CUSTOMER})` }).click();
  await expect(customer).toContainText('on hold (hears hold music)');
  await expect(agent.locator('.hears')).not.toHaveText(/440 Hz/, { timeout: 15_000 });
  await expect.poll(async () => {
    const tones = (await phone(request, CUSTOMER)).heard.tones ?? [];
    const clear = tones.filter((t) => t.dbfs >= -30);
    return clear.length > 0 && clear.every((t) => t.hz < 400);
  }, { timeout: 15_000 }).toBe(true);

  await customer.getByRole('button', { name: `Resume customer (${CUSTOMER})` }).click();
  await expect(customer).toContainText('in the conference');
  await expect(agent.locator('.hears')).toHaveText(/440 Hz/, { timeout: 15_000 });

  await room.getByRole('button', { name: 'End conference' }).click();
  await expect(room.getByTestId('conference-status')).toHaveText('completed');
  await expect(room).toContainText('conference-ended-via-api');
  for (const number of [CUSTOMER, AGENT]) await expect.poll(async () => (await phone(request, number)).state).toBe('idle');
  expect(problems).toEqual([]);
});
