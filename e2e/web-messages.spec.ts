/**
 * Text messages through the emulator's phones and Messages API: a phone texts the team number and the
 * text shows live in alice's and bob's Messages with the unread badge; alice replies in Japanese, the
 * phone's inbox has it byte for byte and the app shows it delivered; a text to a landline shows Failed
 * with the reason, and Retry sends it once the number can take texts.
 *
 * The suite's server keeps its messages between specs and runs, so texts carry a stamp of this run.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { phoneInbox, phoneTexts, PHONES, setSmsDelivery, TEAM_NUMBER } from '../test-support/emulator-api';
import { signedInPages } from '../test-support/phone-ui';

const messagesOf = (page: Page) => page.getByRole('region', { name: 'Messages' });
const conversationWith = (messages: Locator, number: string) => messages.locator(`[data-testid="conversation"][data-peer="${number}"]`);
const bubble = (messages: Locator, text: string) => messages.getByTestId('message').filter({ hasText: text });

test.describe('web: text messages', () => {
  test('a phone texts the team: live in alice’s and bob’s Messages; alice’s Japanese reply is delivered; a landline shows Failed, Retry works once fixed', async ({ browser, request }) => {
    const stamp = Date.now().toString(36);
    const [alice, bob] = await signedInPages(browser, ['alice', 'bob']);
    const aliceMessages = messagesOf(alice.page);
    const bobMessages = messagesOf(bob.page);
    for (const m of [aliceMessages, bobMessages]) await expect(m.getByText('Loading messages…')).toBeHidden();

    // The phone texts the team number: the text is in both people's lists, unread, without a reload.
    const question = `Are you open today? <b>${stamp}</b>`;
    await phoneTexts(request, PHONES.manual, { to: TEAM_NUMBER, body: question });
    for (const m of [aliceMessages, bobMessages]) {
      await expect(conversationWith(m, PHONES.manual)).toContainText(question);
      await expect(m.getByTestId('messages-badge')).toBeVisible();
    }
    // Markup in a body is text, never markup.
    await expect(alice.page.locator('.conversation-last b')).toHaveCount(0);

    // Alice opens it (read: it no longer counts as unread for her) and replies in Japanese.
    await conversationWith(aliceMessages, PHONES.manual).getByRole('button').click();
    await expect(bubble(aliceMessages, question)).toBeVisible();
    const reply = `はい、本日は18時まで営業しています 🙂 ${stamp}`;
    const composer = aliceMessages.getByRole('textbox', { name: 'Message' });
    await composer.fill(reply);
    await expect(aliceMessages.getByText(/SMS \(UCS-2\)/)).toBeVisible();
    await aliceMessages.getByRole('button', { name: 'Send' }).click();
    await expect(composer).toHaveValue('');
    await expect(bubble(aliceMessages, reply).getByTestId('message-status')).toHaveText('Delivered');
    await expect(bubble(aliceMessages, reply)).toContainText('Sent by alice');
    // The conversation view passes axe (the home screen's list is checked with every screen in web-dialpad).
    const axe = await new AxeBuilder({ page: alice.page }).include('section.messages').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    const inbox = await phoneInbox(request, PHONES.manual);
    expect(inbox.some((m) => m.direction === 'received' && m.from === TEAM_NUMBER && m.body === reply)).toBe(true);
    // Bob's list follows: the reply is the conversation's last message, still unread for him.
    await expect(conversationWith(bobMessages, PHONES.manual)).toContainText(reply);

    // A landline cannot take texts: Failed, with the reason in words; Retry once its carrier delivers.
    await setSmsDelivery(request, PHONES.landline, 'landline');
    await aliceMessages.getByRole('button', { name: /All conversations/ }).click();
    await aliceMessages.getByLabel('Text a number').fill(PHONES.landline);
    await aliceMessages.getByRole('button', { name: 'Open', exact: true }).click();
    const notice = `Your order is ready ${stamp}`;
    await composer.fill(notice);
    await aliceMessages.getByRole('button', { name: 'Send' }).click();
    const failed = aliceMessages.locator('[data-testid="message"][data-status="failed"]').filter({ hasText: notice });
    await expect(failed.getByTestId('message-status')).toHaveText('Failed: the number is a landline or cannot receive texts');
    try {
      await setSmsDelivery(request, PHONES.landline, 'delivered');
      await failed.getByRole('button', { name: 'Retry' }).click();
      await expect(aliceMessages.locator('[data-testid="message"][data-status="delivered"]').filter({ hasText: notice })).toHaveCount(1);
    } finally {
      await setSmsDelivery(request, PHONES.landline, 'landline');
    }
    await alice.context.close();
    await bob.context.close();
  });
});
