/**
 * For the hold / transfer / call waiting browser tests: who hears whom, read by frequency from the
 * emulator. A phone's ears are its own (`heard.tones`); a browser's are its conference participant's
 * (`hears`), which the emulator mixes for it once the call is in a conference.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { ConferenceView } from '../contracts/emulator/conferences';
import type { ToneView } from '../contracts/emulator/calls';
import { emulatorApi, expectPhoneState, phone, phonePath } from './emulator-api';
import { sleep } from './wait';

/** The server's hold music (server/sounds.ts `hold`). */
export const HOLD_MUSIC = [349, 392, 523];

/** A party's tone arrives near -9 dBFS; onsets and mixing products stay below -30. */
const clear = (tones: readonly ToneView[] | undefined) => (tones ?? []).filter((t) => t.dbfs >= -30);
const has = (tones: readonly ToneView[] | undefined, hz: number) => clear(tones).some((t) => Math.abs(t.hz - hz) <= 12);

/** Tones that must all be heard, of which at least one must be (hold music is a melody), and that must not be. */
export interface Hearing {
  hears?: number[];
  anyOf?: number[];
  not?: number[];
}

const matches = (tones: readonly ToneView[] | undefined, { hears = [], anyOf, not = [] }: Hearing) =>
  hears.every((hz) => has(tones, hz)) && (!anyOf || anyOf.some((hz) => has(tones, hz))) && !not.some((hz) => has(tones, hz));
const says = (h: Hearing) => `hears ${[...(h.hears ?? []), ...(h.anyOf ? [`one of ${h.anyOf.join('/')}`] : [])].join(' + ') || 'anything'}, not ${(h.not ?? []).join('/') || '-'}`;
const describe = (tones: readonly ToneView[] | undefined) => clear(tones).map((t) => `${Math.round(t.hz)} Hz`).join(', ') || 'nothing';

/** A simulated phone that waits for its person (answer by hand) or answers with a tone of its own. */
export async function tonePhone(request: APIRequestContext, number: string, toneHz: number, answers: boolean): Promise<void> {
  const behaviour = answers ? { kind: 'answer', after: 300, audio: 'tone', toneHz } : { kind: 'manual' };
  await emulatorApi(request, '', 'POST', '/phones', { number, name: `Tone ${toneHz}`, behaviour });
}

/** The phone calls `to` sending a steady `toneHz`. */
export async function callFrom(request: APIRequestContext, from: string, to: string, toneHz: number): Promise<void> {
  await expectPhoneState(request, from, 'idle');
  await emulatorApi(request, '', 'POST', `${phonePath(from)}/call`, { to, toneHz });
}

export async function expectPhoneHears(request: APIRequestContext, number: string, hearing: Hearing, timeout = 20_000): Promise<void> {
  await expect
    .poll(async () => {
      const tones = (await phone(request, number)).heard.tones;
      return matches(tones, hearing) ? 'ok' : describe(tones);
    }, { timeout, message: `${number} ${says(hearing)}` })
    .toBe('ok');
}

/** Quieter than this (dBFS over the last 250 ms) is silence: muted microphones send digital zeros. */
const SILENT_BELOW = -60;

/**
 * Whether a phone hears a browser's microphone at all. Chromium's fake microphone beeps briefly
 * twice a second, so sound means some 250 ms window is heard above SILENT_BELOW within a few
 * seconds, and silence means every reading stays below it for 1.5 s (about three beeps' worth).
 */
export async function expectPhoneHearsSound(request: APIRequestContext, number: string, hears: boolean): Promise<void> {
  const level = async () => (await phone(request, number)).heard.levelDbfs;
  const message = `${number} ${hears ? 'hears' : 'does not hear'} the browser's microphone`;
  if (hears) {
    await expect.poll(level, { timeout: 5_000, intervals: [100], message }).toBeGreaterThan(SILENT_BELOW);
    return;
  }
  await expect.poll(level, { timeout: 5_000, intervals: [100], message }).toBeLessThan(SILENT_BELOW);
  const until = Date.now() + 1_500;
  while (Date.now() < until) {
    expect(await level(), message).toBeLessThan(SILENT_BELOW);
    await sleep(100);
  }
}

/** What the emulator sends a user's browser in their live conference. */
async function clientHears(request: APIRequestContext, identity: string): Promise<ToneView[] | null> {
  const conferences = await emulatorApi<ConferenceView[]>(request, '', 'GET', '/conferences');
  for (const c of conferences) {
    if (c.status === 'completed') continue;
    const p = c.participants.find((x) => x.endpoint.kind === 'client' && x.endpoint.identity === identity && x.status === 'connected');
    if (p) return p.hears;
  }
  return null;
}

export async function expectUserHears(request: APIRequestContext, identity: string, hearing: Hearing, timeout = 20_000): Promise<void> {
  await expect
    .poll(async () => {
      const tones = await clientHears(request, identity);
      if (tones === null) return `${identity} is in no conference`;
      return matches(tones, hearing) ? 'ok' : describe(tones);
    }, { timeout, message: `${identity} ${says(hearing)}` })
    .toBe('ok');
}

export const callDialog = (page: Page) => page.getByRole('dialog', { name: /^Call with/ });
