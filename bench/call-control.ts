/**
 * Bench section "call-control": call set-up with and without a conference, in local mode, with SDK-like
 * devices (signaling over /signal, werift media) and a simulated phone; no browser, so the figures are the
 * server's and the stand-in's own.
 *
 * Each run: a phone calls the team number → alice's device receives the invite (a plain <Dial>, what every
 * call does until someone holds, transfers or adds: today's path); alice answers; "Hold" (which moves both
 * legs into a conference and holds the caller) → its answer; "Resume" → its answer; "Add person" bob →
 * bob's device receives the invite (a participant dialed through the Participants API into the room).
 */
import { LOCAL_TEAM_NUMBER } from '../local-setup/demo';
import { DEFAULT_PHONE_NUMBERS } from '../emulator/phones/defaults';
import type { LiveCall } from '../contracts/api/call-control';
import { reachableTempDir } from '../test-support/database';
import { DEMO_PASSWORD, startLocalServer } from '../test-support/local-server';
import { emulator, freePort, phoneView, signIn } from '../test-support/node-client';
import { connectDevice } from '../test-support/sdk-device';
import { eventually, sleep } from '../test-support/wait';
import { median, round, spread } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const RUNS = 5;
const CALLER = DEFAULT_PHONE_NUMBERS.manual;
/** The budget: a call's set-up must not get slower than this by the conference work. */
export const REGRESSION_BUDGET_MS = 50;

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const dataDir = await reachableTempDir('softphone-bench-control-');
  const server = await startLocalServer(await freePort(), { dataDir, settings: { LOG_LEVEL: 'warn', RING_GROUP: 'alice' } });
  const figures = { plainRing: [] as number[], hold: [] as number[], resume: [] as number[], conferenceRing: [] as number[] };
  try {
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const bob = await signIn(server.origin, 'bob', DEMO_PASSWORD);
    const aliceDevice = await connectDevice(server.origin, (await alice.json<{ token: string }>('POST', '/api/token')).body.token, 'alice');
    const bobDevice = await connectDevice(server.origin, (await bob.json<{ token: string }>('POST', '/api/token')).body.token, 'bob');
    try {
      for (let i = 0; i < RUNS; i++) {
        await eventually(async () => (await phoneView(server.origin, CALLER)).state === 'idle', 'the caller is idle', 20_000);
        const invitesBefore = aliceDevice.invites().length;
        const t0 = performance.now();
        await emulator(server.origin, 'POST', `/phones/${encodeURIComponent(CALLER)}/call`, { to: LOCAL_TEAM_NUMBER, toneHz: 500 });
        await eventually(() => aliceDevice.invites().length > invitesBefore, 'alice is rung', 15_000);
        figures.plainRing.push(performance.now() - t0);
        const aliceSid = aliceDevice.invites().at(-1)!.callsid as string;
        await aliceDevice.answer(aliceSid, 880);
        const call = (await eventually(async () => {
          const items = (await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live')).body.items;
          return items.find((c) => c.legs.includes(aliceSid));
        }, 'the live call', 15_000))!;

        let t = performance.now();
        const held = await alice.json('POST', `/api/calls/${call.id}/hold`);
        if (held.status !== 200) throw new Error(`hold: ${held.status} ${JSON.stringify(held.body)}`);
        figures.hold.push(performance.now() - t);
        t = performance.now();
        await alice.json('POST', `/api/calls/${call.id}/resume`);
        figures.resume.push(performance.now() - t);

        const bobBefore = bobDevice.invites().length;
        t = performance.now();
        const added = await alice.json('POST', `/api/calls/${call.id}/add`, { to: 'bob' });
        if (added.status !== 200) throw new Error(`add: ${added.status} ${JSON.stringify(added.body)}`);
        await eventually(() => bobDevice.invites().length > bobBefore, 'bob is rung', 15_000);
        figures.conferenceRing.push(performance.now() - t);

        // Everyone hangs up; the phone's leg ends with the conference.
        bobDevice.hangup(bobDevice.invites().at(-1)!.callsid as string);
        aliceDevice.hangup(aliceSid);
        await sleep(300);
        if (options.verbose) console.log(`  run ${i + 1}: ring ${round(figures.plainRing[i]!)} ms, hold ${round(figures.hold[i]!)} ms, add→ring ${round(figures.conferenceRing[i]!)} ms`);
      }
    } finally {
      await aliceDevice.close();
      await bobDevice.close();
    }
  } finally {
    await server.close();
    const { rm } = await import('node:fs/promises');
    await rm(dataDir, { recursive: true, force: true });
  }
  const plain = median(figures.plainRing);
  const conference = median(figures.conferenceRing);
  const rows: BenchRow[] = [
    { name: 'Call → callee ringing, plain <Dial> (every call starts so)', value: round(plain, 1), unit: 'ms', note: spread(figures.plainRing) },
    {
      name: 'Call → callee ringing, dialed into a conference (Participants API)',
      value: round(conference, 1), unit: 'ms',
      note: `${spread(figures.conferenceRing)}; ${round(conference - plain, 1)} ms more than plain`,
    },
    { name: 'First Hold: move both legs into a conference + hold', value: round(median(figures.hold), 1), unit: 'ms', note: spread(figures.hold) },
    { name: 'Resume', value: round(median(figures.resume), 1), unit: 'ms', note: spread(figures.resume) },
  ];
  return {
    id: 'call-control',
    title: `Call set-up with and without a conference (local mode, SDK-like devices, ${RUNS} runs, medians)`,
    rows,
    notes: [
      `Calls start as a plain <Dial>; the ring time above is that path, which call control leaves as it was (its budget: no more than ${REGRESSION_BUDGET_MS} ms slower than before; the browser figure is call-setup's).`,
      'The conference figure is the time a person added to a live call takes to ring: the REST request, the Participants API leg and its invite.',
    ],
    data: figures,
  };
}
