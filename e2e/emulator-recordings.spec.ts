/**
 * Recordings in the emulator console, worked by hand: a phone leaves a message from its card on the
 * team number (answered, for this test, by TwiML that records), the Recordings list shows it, the
 * page's player plays it to its end, and Delete removes it from the console and the REST API.
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import twilio from 'twilio';
import type { ApplicationView } from '../contracts/emulator/applications';
import { emulatorRequestClient } from '../local-setup/twilio-client';
import type { LocalCredentials } from '../local-setup/setup';
import { emulatorApi, expectPhoneState, PHONES, recordings, TEAM_NUMBER } from '../test-support/emulator-api';
import { E2E_BASE_URL } from '../test-support/local-server';
import { listenOnTestPort } from '../test-support/test-port';

const credentials = (): LocalCredentials => JSON.parse(readFileSync('.local/e2e/credentials.json', 'utf8')) as LocalCredentials;

test('a phone leaves a message from the console; its recording plays to the end and is deleted', async ({ page, request }) => {
  const twiml = await listenOnTestPort((req, res) => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(req.url === '/voice'
    ? '<Response><Say>Leave a message.</Say><Record action="/recorded" finishOnKey="#"/></Response>'
    : '<Response><Say>Thanks.</Say><Hangup/></Response>'));
  const c = credentials();
  const [app] = (await emulatorApi<ApplicationView[]>(request, '', 'GET', '/applications')).filter((a) => a.sid === c.twimlAppSid);
  await emulatorApi(request, '', 'POST', `/applications/${c.twimlAppSid}`, { voiceUrl: `http://127.0.0.1:${(twiml.address() as AddressInfo).port}/voice` });
  try {
    await expectPhoneState(request, PHONES.tone, 'idle');
    const started = Date.now();
    await page.goto('/emulator');
    const card = page.getByRole('article', { name: `Tone phone · ${PHONES.tone}` });
    await card.getByText('Leave a message').click();
    await card.getByLabel('Message to').fill(TEAM_NUMBER);
    await card.getByLabel('Seconds').fill('2');
    await card.getByLabel('Hz').fill('600');
    await card.getByRole('button', { name: 'Leave message' }).click();
    await expect(page.getByRole('status')).toHaveText(`Message from ${PHONES.tone}: done`);

    let sid = '';
    await expect.poll(async () => {
      sid = (await recordings(request)).find((r) => r.from === PHONES.tone && Date.parse(r.startTime) >= started)?.sid ?? '';
      return sid;
    }, { timeout: 20_000 }).not.toBe('');
    const recording = page.getByRole('group', { name: `Recording from ${PHONES.tone}` }).filter({ hasText: sid });
    await expect(recording.getByTestId('recording-status')).toHaveText('completed', { timeout: 20_000 });
    await expect(recording).toContainText('2.0 s');
    const player = recording.getByLabel(`Play the recording from ${PHONES.tone}`);
    await player.evaluate((audio: HTMLAudioElement) => audio.play());
    await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => audio.ended), { timeout: 10_000 }).toBe(true);
    expect(await player.evaluate((audio: HTMLAudioElement) => audio.duration)).toBeCloseTo(2, 1);

    await recording.getByRole('button', { name: 'Delete' }).click();
    await expect(recording).toHaveCount(0);
    const rest = twilio(c.apiKeySid, c.apiKeySecret, {
      accountSid: c.accountSid, httpClient: emulatorRequestClient(E2E_BASE_URL, readFileSync('.local/e2e/tls/cert.pem', 'utf8')),
    });
    await expect(rest.recordings(sid).fetch()).rejects.toMatchObject({ status: 404 });
  } finally {
    await emulatorApi(request, '', 'POST', `/applications/${c.twimlAppSid}`, { voiceUrl: app!.voiceUrl });
    await new Promise((r) => twiml.close(r));
  }
});
