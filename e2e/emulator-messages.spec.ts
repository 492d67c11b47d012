/**
 * Texts in the emulator console: a phone sends a picture message to another phone from its card, and
 * messages the account sends through the REST API (the `twilio` library) show their delivery, or their
 * failure with Twilio's code, on the phones and in the Messages list.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import twilio from 'twilio';
import type { LocalCredentials } from '../local-setup/setup';
import { emulatorRequestClient } from '../local-setup/twilio-client';
import { messageDetail, phoneInbox, PHONES, setSmsDelivery, TEAM_NUMBER } from '../test-support/emulator-api';
import { E2E_BASE_URL } from '../test-support/local-server';

function restClient() {
  const c = JSON.parse(readFileSync('.local/e2e/credentials.json', 'utf8')) as LocalCredentials;
  return twilio(c.apiKeySid, c.apiKeySecret, { accountSid: c.accountSid, httpClient: emulatorRequestClient(E2E_BASE_URL, readFileSync('.local/e2e/tls/cert.pem', 'utf8')) });
}

/** Script errors and CSP refusals on the console page, which must stay empty. */
const problems: string[] = [];
test.afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

async function openConsole(page: Page): Promise<void> {
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  await page.goto('/emulator');
  await expect(page.getByRole('article').first()).toBeVisible();
}

const phoneCard = (page: Page, number: string): Locator => page.getByRole('article', { name: new RegExp(`· ${number.replace('+', '\\+')}$`) });

async function openTexts(card: Locator): Promise<Locator> {
  await card.getByText('Text messages').click();
  return card.getByRole('list', { name: 'Texts on this phone' });
}

test.describe('texts in the emulator console', () => {
  test('a phone texts another with a picture from its card; the other phone shows it', async ({ page }) => {
    await openConsole(page);
    const manual = phoneCard(page, PHONES.manual);
    await openTexts(manual);
    await manual.getByRole('combobox', { name: 'To', exact: true }).fill(PHONES.echo);
    await manual.getByRole('textbox', { name: 'Text', exact: true }).fill('写真です 📷');
    await expect(manual.getByText('6 characters · 1 segment (UCS-2)')).toBeVisible();
    await manual.getByRole('combobox', { name: 'Picture', exact: true }).selectOption('png');
    await manual.getByRole('button', { name: 'Send text' }).click();
    await expect(page.getByRole('status')).toHaveText(`Text from ${PHONES.manual}: done`);

    const inbox = await openTexts(phoneCard(page, PHONES.echo));
    const item = inbox.getByRole('listitem').filter({ hasText: '写真です 📷' }).first();
    await expect(item.getByTestId('message-status')).toHaveText('delivered');
    const picture = item.getByRole('img', { name: `Picture 1 from ${PHONES.manual}` });
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
  });

  test('texts sent through the REST API: delivered to a mobile, failed 30006 to a landline until its delivery is changed', async ({ page, request }) => {
    await openConsole(page);
    const rest = restClient();
    const body = 'Ваш заказ готов ✅';
    const delivered = await rest.messages.create({ to: PHONES.manual, from: TEAM_NUMBER, body });
    const failed = await rest.messages.create({ to: PHONES.landline, from: TEAM_NUMBER, body: 'Your order is ready' });

    const rows = page.getByRole('region', { name: 'Messages' });
    await expect(rows.locator(`tr[data-sid="${delivered.sid}"]`).getByTestId('message-status')).toHaveText('delivered');
    await expect(rows.locator(`tr[data-sid="${failed.sid}"]`).getByTestId('message-status')).toHaveText('failed 30006');
    await expect(rows.locator(`tr[data-sid="${failed.sid}"]`)).toContainText('Landline or unreachable carrier');
    const inbox = await openTexts(phoneCard(page, PHONES.manual));
    await expect(inbox.locator(`li[data-sid="${delivered.sid}"]`)).toContainText(body);
    expect((await phoneInbox(request, PHONES.manual)).find((m) => m.sid === delivered.sid)?.body).toBe(body);
    expect((await phoneInbox(request, PHONES.landline)).some((m) => m.sid === failed.sid)).toBe(false);

    const landline = phoneCard(page, PHONES.landline);
    await openTexts(landline);
    await landline.getByRole('combobox', { name: 'Texts to this phone', exact: true }).selectOption('delivered');
    await expect(page.getByRole('status')).toHaveText('Delivery: done');
    try {
      const retried = await rest.messages.create({ to: PHONES.landline, from: TEAM_NUMBER, body: 'Your order is ready' });
      await expect.poll(async () => (await messageDetail(request, retried.sid)).status).toBe('delivered');
    } finally {
      await setSmsDelivery(request, PHONES.landline, 'landline');
    }
  });
});
