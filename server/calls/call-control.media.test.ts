/**
 * Call control end to end in local mode: a real server process with the stand-in for Twilio, SDK-like
 * devices for alice and bob (signaling over /signal, werift media legs) and simulated phones, each party
 * with its own tone. A phone calls the team, alice answers; hold moves the call into a conference and the
 * phone hears the server's hold music; resume; a blind transfer rings bob with who and by whom, alice's
 * leg ends, the phone talks to bob; bob adds a phone: three-way, everyone hears the other two. Who hears
 * whom is read by frequency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TEAM_NUMBER } from '../../local-setup/demo';
import { DEFAULT_PHONE_NUMBERS } from '../../emulator/phones/defaults';
import { hasTone, type ToneReading } from '../../emulator/media/spectrum';
import type { MediaLeg } from '../../emulator/media/types';
import type { LiveCall } from '../../contracts/api/call-control';
import type { CallRecord } from '../../contracts/api/history';
import { reachableTempDir } from '../../test-support/database';
import { openEventStream } from '../../test-support/event-stream';
import { DEMO_PASSWORD, startLocalServer } from '../../test-support/local-server';
import type { LocalServer } from '../../test-support/local-server';
import { emulator, freePort, phoneView, signIn } from '../../test-support/node-client';
import { connectDevice, type SdkDevice } from '../../test-support/sdk-device';
import { eventually } from '../../test-support/wait';

const CALLER = DEFAULT_PHONE_NUMBERS.manual;
const ADDED = DEFAULT_PHONE_NUMBERS.tone;
const HZ = { caller: 500, alice: 880, bob: 660, added: 440 } as const;
/** The server's hold music (server/sounds.ts `hold`). */
const MUSIC = [349, 392, 523];

let server: LocalServer;
const devices: SdkDevice[] = [];

beforeAll(async () => {
  server = await startLocalServer(await freePort(), {
    dataDir: await reachableTempDir('softphone-control-'),
    settings: { LOG_LEVEL: 'warn', RING_GROUP: 'alice', RING_TIMEOUT_SECONDS: '8' },
  });
}, 120_000);
afterAll(async () => {
  for (const d of devices) await d.close();
  await server?.close();
  const { rm } = await import('node:fs/promises');
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

type User = Awaited<ReturnType<typeof signIn>>;

async function device(user: User, identity: string): Promise<SdkDevice> {
  const token = await user.json<{ token: string }>('POST', '/api/token');
  expect(token.status).toBe(200);
  const d = await connectDevice(server.origin, token.body.token, identity);
  devices.push(d);
  return d;
}

/** Tones heard clearly: a party's tone arrives near -9 dBFS; onsets and mixing products stay below -30. */
const clear = (tones: ToneReading[] | undefined) => (tones ?? []).filter((t) => t.dbfs >= -30);
const only = (tones: ToneReading[] | undefined, yes: number[], no: number[]) =>
  yes.every((hz) => hasTone(clear(tones), hz)) && no.every((hz) => !hasTone(clear(tones), hz));
const music = (tones: ToneReading[] | undefined) => MUSIC.some((hz) => hasTone(clear(tones), hz));
const phoneHears = async (number: string) => (await phoneView(server.origin, number)).heard.tones;
const legHears = (leg: MediaLeg) => leg.stats().tones;
/** The call's history record once it has ended. */
const endedRecord = (user: User, id: string) =>
  eventually(async () => (await user.json<{ items: CallRecord[] }>('GET', '/api/calls')).body.items.find((c) => c.id === id && c.endedAt !== null), 'the call ended in the history', 20_000);

describe('call control through a conference, with media', { timeout: 120_000 }, () => {
  it('hold, resume, blind transfer and add person: each party hears whom it should', async () => {
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const bob = await signIn(server.origin, 'bob', DEMO_PASSWORD);
    const aliceDevice = await device(alice, 'alice');
    const streams = await Promise.all([alice, bob].map((u) => openEventStream(`${server.origin}/api/events`, { cookie: u.cookie })));

    // The phone calls the team, alice answers.
    await eventually(async () => (await phoneView(server.origin, CALLER)).state === 'idle', 'the caller is idle');
    await emulator(server.origin, 'POST', `/phones/${encodeURIComponent(CALLER)}/call`, { to: LOCAL_TEAM_NUMBER, toneHz: HZ.caller });
    await eventually(() => aliceDevice.invites().length === 1, 'alice is rung', 15_000);
    const aliceSid = aliceDevice.invites()[0]!.callsid as string;
    const aliceLeg = await aliceDevice.answer(aliceSid, HZ.alice);
    await eventually(() => only(legHears(aliceLeg), [HZ.caller], []), 'alice hears the caller', 15_000);

    // The tab finds its call's history id through its leg.
    const live = (await eventually(async () => {
      const list = await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live');
      return list.body.items.find((c) => c.legs.includes(aliceSid));
    }, 'the live call with alice\'s leg', 15_000))!;
    expect(live).toMatchObject({ conference: false, transfer: null, ended: false });
    expect(live.parties.map((p) => [p.kind, p.name, p.state])).toEqual([['phone', CALLER, 'connected'], ['user', 'alice', 'connected']]);
    // bob is not in it: he cannot act on it, and it is not his.
    expect((await bob.json('POST', `/api/calls/${live.id}/hold`)).status).toBe(404);

    // Hold: into a conference; the caller hears the server's music, not alice; alice hears nothing of the caller.
    const held = await alice.json<LiveCall>('POST', `/api/calls/${live.id}/hold`);
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ conference: true, legs: [aliceSid] });
    expect(held.body.parties.find((p) => p.kind === 'phone')!.state).toBe('held');
    await eventually(async () => music(await phoneHears(CALLER)) && only(await phoneHears(CALLER), [], [HZ.alice]), 'the caller hears hold music only', 20_000);
    await eventually(() => only(legHears(aliceLeg), [], [HZ.caller]), 'alice no longer hears the caller');
    expect((await alice.json('POST', `/api/calls/${live.id}/hold`)).status).toBe(409);
    await streams[0]!.next((e) => e.event === 'live-call' && (e.data as { liveCall: LiveCall }).liveCall.parties.some((p) => p.state === 'held'), 10_000, 'alice\'s live-call event: held');

    // Resume: audio both ways again.
    expect((await alice.json('POST', `/api/calls/${live.id}/resume`)).status).toBe(200);
    await eventually(async () => only(await phoneHears(CALLER), [HZ.alice], MUSIC), 'the caller hears alice again', 20_000);
    await eventually(() => only(legHears(aliceLeg), [HZ.caller], []), 'alice hears the caller again');

    // A transfer to a number that is not allowed is refused with the dialing rules' reason.
    const refused = await alice.json<{ error: string }>('POST', `/api/calls/${live.id}/transfer`, { to: '+19005550100', mode: 'blind' });
    expect(refused.status).toBe(400);

    // Blind transfer to bob: he is rung with who and by whom; alice's leg ends; the caller talks to bob.
    const bobDevice = await device(bob, 'bob');
    const transfer = await alice.json<LiveCall>('POST', `/api/calls/${live.id}/transfer`, { to: 'bob', mode: 'blind' });
    expect(transfer.status).toBe(200);
    expect(transfer.body).toMatchObject({ ended: true, transfer: { mode: 'blind', to: 'bob', by: 'alice', state: 'ringing' } });
    await eventually(() => bobDevice.invites().length === 1, 'bob is rung', 15_000);
    const invite = bobDevice.invites()[0]!;
    const custom = new URLSearchParams(invite.parameters.Params as string);
    expect(custom.get('transferredBy')).toBe('alice');
    expect(custom.get('transferredCaller')).toBe(CALLER);
    expect(invite.parameters.From).toBe(CALLER);
    await eventually(() => aliceDevice.frames.some((f) => f.type === 'hangup' && f.payload.callsid === aliceSid), 'alice\'s leg ends');
    const bobSid = invite.callsid as string;
    const bobLeg = await bobDevice.answer(bobSid, HZ.bob);
    await eventually(async () => only(await phoneHears(CALLER), [HZ.bob], [HZ.alice, ...MUSIC]), 'the caller hears bob', 20_000);
    await eventually(() => only(legHears(bobLeg), [HZ.caller], []), 'bob hears the caller');
    const bobLive = (await eventually(async () => {
      const items = (await bob.json<{ items: LiveCall[] }>('GET', '/api/calls/live')).body.items;
      return items.find((c) => c.id === live.id && c.transfer === null && c.legs.includes(bobSid));
    }, 'bob\'s live call'))!;
    expect(bobLive.parties.map((p) => [p.name, p.state])).toEqual([[CALLER, 'connected'], ['alice', 'left'], ['bob', 'connected']]);
    expect((await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live')).body.items).toEqual([]);
    await streams[1]!.next((e) => e.event === 'live-call' && (e.data as { liveCall: LiveCall }).liveCall.legs.includes(bobSid), 10_000, 'bob\'s live-call event');

    // alice's leg has ended, the call has not: the history keeps it open.
    const going = (await bob.json<{ items: CallRecord[] }>('GET', '/api/calls')).body.items.find((c) => c.id === live.id);
    expect(going).toMatchObject({ outcome: null, endedAt: null, answeredBy: 'bob', transferredTo: 'client:bob', transferredBy: 'alice' });

    // bob adds a phone: three-way, each hears the other two.
    const added = await bob.json<LiveCall>('POST', `/api/calls/${live.id}/add`, { to: ADDED });
    expect(added.status).toBe(200);
    await eventually(async () => only(await phoneHears(ADDED), [HZ.caller, HZ.bob], []), 'the added phone hears the caller and bob', 25_000);
    await eventually(async () => only(await phoneHears(CALLER), [HZ.bob, HZ.added], []), 'the caller hears bob and the added phone');
    await eventually(() => only(legHears(bobLeg), [HZ.caller, HZ.added], []), 'bob hears the caller and the added phone');

    // bob, the last team member, hangs up: the call ends for both phones.
    const hungUpAt = Date.now();
    bobDevice.hangup(bobSid);
    await eventually(async () => (await phoneView(server.origin, CALLER)).state === 'idle' && (await phoneView(server.origin, ADDED)).state === 'idle', 'both phones hung up', 20_000);

    // The history: one call, taken by bob from alice, with everyone who took part, talk time up to bob's hang-up.
    const record = (await endedRecord(bob, live.id))!;
    expect(record).toMatchObject({ direction: 'inbound', from: CALLER, outcome: 'answered', answeredBy: 'bob', transferredTo: 'client:bob', transferredBy: 'alice' });
    expect([...record.parties!].sort()).toEqual([CALLER, ADDED, 'client:alice', 'client:bob'].sort());
    expect(Date.parse(record.answeredAt!) + record.durationSeconds! * 1000).toBeGreaterThan(hungUpAt - 2000);
    expect(Math.abs(Date.parse(record.endedAt!) - hungUpAt)).toBeLessThan(5000);
    for (const s of streams) s.close();
    for (const d of devices.splice(0)) await d.close();
  });

  it('consult then cancel; a blind transfer nobody answers comes back to the user, ringing', async () => {
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const bob = await signIn(server.origin, 'bob', DEMO_PASSWORD);
    const aliceDevice = await device(alice, 'alice');
    const bobDevice = await device(bob, 'bob');
    await eventually(async () => (await phoneView(server.origin, CALLER)).state === 'idle', 'the caller is idle');
    await emulator(server.origin, 'POST', `/phones/${encodeURIComponent(CALLER)}/call`, { to: LOCAL_TEAM_NUMBER, toneHz: HZ.caller });
    await eventually(() => aliceDevice.invites().length === 1, 'alice is rung', 15_000);
    const aliceSid = aliceDevice.invites()[0]!.callsid as string;
    const aliceLeg = await aliceDevice.answer(aliceSid, HZ.alice);
    const live = (await eventually(async () => (await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live')).body.items.find((c) => c.legs.includes(aliceSid)), 'the live call', 15_000))!;

    // Consult: the caller hears music while alice and bob talk.
    expect((await alice.json('POST', `/api/calls/${live.id}/transfer`, { to: 'bob', mode: 'consult' })).status).toBe(200);
    await eventually(() => bobDevice.invites().length === 1, 'bob is rung', 15_000);
    const consult = bobDevice.invites()[0]!;
    expect(new URLSearchParams(consult.parameters.Params as string).get('transferMode')).toBe('consult');
    const bobLeg = await bobDevice.answer(consult.callsid as string, HZ.bob);
    await eventually(() => only(legHears(aliceLeg), [HZ.bob], [HZ.caller]), 'alice hears bob, not the caller', 20_000);
    await eventually(() => only(legHears(bobLeg), [HZ.alice], [HZ.caller]), 'bob hears alice, not the caller');
    await eventually(async () => music(await phoneHears(CALLER)) && only(await phoneHears(CALLER), [], [HZ.alice, HZ.bob]), 'the caller hears music only');
    const consulting = await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live');
    expect(consulting.body.items[0]!.transfer).toMatchObject({ mode: 'consult', to: 'bob', state: 'consulting' });

    // Cancel: bob is dropped, alice and the caller talk again.
    expect((await alice.json('POST', `/api/calls/${live.id}/transfer/cancel`)).status).toBe(200);
    await eventually(() => bobDevice.frames.some((f) => f.type === 'hangup' && f.payload.callsid === consult.callsid), 'bob\'s leg ends');
    await eventually(async () => only(await phoneHears(CALLER), [HZ.alice], [HZ.bob, ...MUSIC]), 'the caller hears alice again', 20_000);

    // Blind transfer to bob, who does not answer: alice is rung again after the ring time, and takes the caller back.
    expect((await alice.json('POST', `/api/calls/${live.id}/transfer`, { to: 'bob', mode: 'blind' })).status).toBe(200);
    await eventually(() => bobDevice.invites().length === 2, 'bob is rung again', 15_000);
    await eventually(() => aliceDevice.invites().length === 2, 'alice is rung back', 30_000);
    const recall = aliceDevice.invites()[1]!;
    expect(new URLSearchParams(recall.parameters.Params as string).get('recalledFrom')).toBe('bob');
    const backLeg = await aliceDevice.answer(recall.callsid as string, HZ.alice);
    await eventually(async () => only(await phoneHears(CALLER), [HZ.alice], MUSIC), 'the caller hears alice once more', 20_000);
    await eventually(() => only(legHears(backLeg), [HZ.caller], []), 'alice hears the caller');
    expect((await alice.json<{ items: LiveCall[] }>('GET', '/api/calls/live')).body.items[0]).toMatchObject({ id: live.id, legs: [recall.callsid], transfer: null });

    aliceDevice.hangup(recall.callsid as string);
    await eventually(async () => (await phoneView(server.origin, CALLER)).state === 'idle', 'the caller is hung up', 20_000);

    // A cancelled consult and a transfer nobody took hand nothing on: alice answered, bob only took part.
    const record = (await endedRecord(alice, live.id))!;
    expect(record).toMatchObject({ outcome: 'answered', answeredBy: 'alice' });
    expect(record.transferredTo).toBeUndefined();
    expect([...record.parties!].sort()).toEqual([CALLER, 'client:alice', 'client:bob'].sort());
  });
});
