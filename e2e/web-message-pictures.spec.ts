/**
 * Picture messages: a phone texts the team number a PNG and a PDF; alice's Messages shows the PNG as a
 * thumbnail whose bytes, fetched through the app's own media route, are exactly what the phone sent, and
 * the PDF as a download. No Twilio URL reaches the page.
 */
import { expect, test } from '@playwright/test';
import { pngPicture } from '../emulator/messages/pictures';
import { phoneTexts, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { newPhonePage, signIn } from '../test-support/phone-ui';

test.describe('web: picture messages', () => {
  test('a phone sends a picture: a thumbnail in alice’s Messages with the phone’s bytes, and other files as downloads', async ({ browser, request }) => {
    const stamp = Date.now().toString(36);
    const png = pngPicture(`picture ${stamp}`);
    const alice = await newPhonePage(browser);
    await signIn(alice.page, 'alice');
    const messages = alice.page.getByRole('region', { name: 'Messages' });
    await expect(messages.getByText('Loading messages…')).toBeHidden();

    const body = `The broken part ${stamp}`;
    const sent = await phoneTexts(request, PHONES.manual, {
      to: TEAM_NUMBER,
      body,
      media: [
        { contentType: 'image/png', base64: png.toString('base64') },
        { contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') },
      ],
    });
    expect(sent.numMedia).toBe(2);
    await messages.locator(`[data-testid="conversation"][data-peer="${PHONES.manual}"]`).getByRole('button').click();
    const bubble = messages.getByTestId('message').filter({ hasText: body });
    const picture = bubble.getByRole('img', { name: /^Picture 1 of 2 from / });
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    const src = await picture.getAttribute('src');
    expect(src).toMatch(/^\/api\/messages\/\d+\/media\/0$/);
    await expect(bubble.getByTestId('message-picture')).toHaveAttribute('href', src!);

    // The bytes the browser gets are the phone's, byte for byte, and only for a signed-in browser.
    const bytes = await alice.page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), src!);
    expect(Buffer.from(bytes).equals(png)).toBe(true);
    expect((await request.get(src!)).status()).toBe(401);

    const attachment = bubble.getByTestId('message-attachment');
    await expect(attachment).toHaveText('Attachment 2 (application/pdf): download');
    const pdf = await alice.context.request.get((await attachment.getAttribute('href'))!);
    expect(pdf.headers()['content-disposition']).toMatch(/^attachment/);
    expect(await alice.page.content()).not.toMatch(/\/2010-04-01\/|twilio\.com/);
    await alice.context.close();
  });
});
