/**
 * Voicemail with real media through the emulator: the whole team is on Do not disturb, a phone calls the
 * team number and leaves a 3-second 440 Hz message ended with #; the message shows up live in alice's and
 * bob's tabs, its audio comes through the app's proxy (about 3 s, 440 Hz, measured from the samples), plays
 * to the end in alice's browser, which marks it heard for her and nobody else. Deleting it takes it out of
 * both tabs at once, Undo brings it back to both, and once the undo window has passed after a second delete
 * the recording is gone from the emulator too. The view passes axe with a message, its player and the bar.
 *
 * The suite's server keeps its data between specs and runs, so the new message is told apart by its id;
 * everyone is made available again at the end, and bob hears it too, so later specs count nothing of it.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { finishedRecordingOf, leaveMessage, PHONES, recordings, TEAM_NUMBER } from '../test-support/emulator-api';
import { dominantFrequency, readWav } from '../test-support/audio-analysis';
import { setAvailable, signedInPages } from '../test-support/phone-ui';

const CALLER = PHONES.tone;
const CALLER_SHOWN = '(202) 555-0104';

const voicemail = (page: Page) => page.getByRole('region', { name: 'Voicemail' });
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).include('section.voicemails').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
const rowIds = (page: Page) => voicemail(page).getByTestId('voicemail').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-voicemail-id') ?? ''));

test('a caller nobody can take leaves a message: live in the team’s tabs, played in the browser, heard by alice only', async ({ browser, request }) => {
  // A real 3-second message, played to the end, and a 10-second undo window.
  test.setTimeout(120_000);
  const [alice, bob, carol] = await signedInPages(browser, ['alice', 'bob', 'carol']);
  const team = [alice.page, bob.page, carol.page];
  try {
    // Nobody can be rung: the call goes straight to the greeting and the beep.
    for (const page of team) await setAvailable(page, false);
    for (const page of [alice.page, bob.page]) await expect(voicemail(page).getByText('Loading voicemail…')).toBeHidden();
    const known = new Set(await rowIds(alice.page));

    const callSid = await leaveMessage(request, CALLER, { to: TEAM_NUMBER, seconds: 3, sound: 'tone', toneHz: 440, end: 'hash' });
    const recording = await finishedRecordingOf(request, callSid);
    expect(recording.status).toBe('completed');

    // Live, without a reload, in both tabs: caller, length, not heard yet.
    let id = '';
    await expect.poll(async () => (id = (await rowIds(alice.page)).find((i) => !known.has(i)) ?? ''), { timeout: 15_000 }).not.toBe('');
    const rowOf = (page: Page) => voicemail(page).locator(`[data-voicemail-id="${id}"]`);
    for (const page of [alice.page, bob.page]) {
      await expect(rowOf(page)).toContainText(CALLER_SHOWN);
      await expect(rowOf(page)).toContainText(/Message 0:0[34]/);
      await expect(rowOf(page)).toHaveAttribute('data-heard', 'false');
      await expect(voicemail(page).getByTestId('voicemail-badge')).toBeVisible();
    }

    // The audio through the app's proxy is the message: about 3 s of 440 Hz.
    const audio = await alice.context.request.get(`/api/voicemails/${id}/audio`);
    expect(audio.status()).toBe(200);
    const wav = readWav(await audio.body());
    expect(wav.seconds).toBeGreaterThan(2.5);
    expect(wav.seconds).toBeLessThan(3.6);
    expect(Math.abs(dominantFrequency(wav.samples, wav.sampleRate) - 440)).toBeLessThan(15);

    // Played in alice's browser to the end: the element decodes it (duration) and reaching `ended` marks it heard.
    const player = rowOf(alice.page).locator('audio');
    await player.evaluate((el: HTMLAudioElement) => {
      el.muted = true;
      // Still every sample decoded and played to `ended`, in a quarter of the time.
      el.playbackRate = 4;
      return el.play();
    });
    await expect.poll(() => player.evaluate((el: HTMLAudioElement) => el.duration), { timeout: 10_000 }).toBeGreaterThan(2.5);
    await expect.poll(() => player.evaluate((el: HTMLAudioElement) => el.ended), { timeout: 15_000 }).toBe(true);
    await expect(rowOf(alice.page)).toHaveAttribute('data-heard', 'true');
    await expect(rowOf(alice.page)).toContainText('Heard by alice');
    // Bob sees who heard it, and it is still new to him.
    await expect(rowOf(bob.page)).toContainText('Heard by alice');
    await expect(rowOf(bob.page)).toHaveAttribute('data-heard', 'false');

    // Bob marks it heard with the button.
    await rowOf(bob.page).getByRole('button', { name: 'Mark as heard' }).click();
    await expect(rowOf(bob.page)).toHaveAttribute('data-heard', 'true');
    await expect(rowOf(alice.page)).toContainText('Heard by alice, bob');
    await expectAccessible(alice.page, 'voicemail');

    // Alice deletes it: gone from both tabs at once, with Undo, which brings it back to both.
    await rowOf(alice.page).getByRole('button', { name: /^Delete the message from/ }).click();
    for (const page of [alice.page, bob.page]) await expect(rowOf(page)).toHaveCount(0);
    const undo = voicemail(alice.page).getByTestId('voicemail-undo');
    await expect(undo).toContainText(`Message from ${CALLER_SHOWN} deleted.`);
    // Its row's Delete button is gone: the focus is on Undo, not lost to the page.
    await expect(undo.getByRole('button', { name: 'Undo' })).toBeFocused();
    await expectAccessible(alice.page, 'voicemail with undo');
    await undo.getByRole('button', { name: 'Undo' }).click();
    for (const page of [alice.page, bob.page]) await expect(rowOf(page)).toBeVisible();
    await expect(undo).toBeHidden();

    // Deleted for good once the undo window (10 s) has passed: the recording is gone at the emulator too.
    await rowOf(bob.page).getByRole('button', { name: /^Delete the message from/ }).click();
    for (const page of [alice.page, bob.page]) await expect(rowOf(page)).toHaveCount(0);
    await expect.poll(async () => (await recordings(request)).some((r) => r.sid === recording.sid), { timeout: 25_000 }).toBe(false);
    await expect(voicemail(bob.page).getByTestId('voicemail-undo')).toBeHidden();
    expect((await alice.context.request.get(`/api/voicemails/${id}/audio`)).status()).toBe(404);
  } finally {
    for (const page of team) await setAvailable(page, true);
    for (const { context } of [alice, bob, carol]) await context.close();
  }
});
