/**
 * Conferences end to end inside the emulator, with simulated phones (no RTP): phones with distinct
 * tones call the team number, whose TwiML puts them in a conference; who hears whom is checked by
 * frequency, and the status callbacks by their order. The media legs and the REST API have their own
 * tests (./conference.media.test.ts, ../rest/conferences.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator';
import { HOLD_MUSIC_MAX_HZ } from '../media/hold-music';
import { hasTone } from '../media/spectrum';
import { eventually, sleep } from '../../test-support/wait';
import { ToneGenerator } from '../media/synth';
import { buildWav } from '../media/wav';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const AUTH = 'b'.repeat(32);
const APP = 'AP' + 'd'.repeat(32);
const TEAM = '+12025550100';

interface Hit { path: string; params: Record<string, string> }

let server: http.Server;
let origin: string;
let hits: Hit[];
let voiceTwiml: (params: Record<string, string>) => string;
let emulator: Emulator;

/** What the test's waitUrl plays: one second of 1.5 kHz, far above the generated music. */
const WAIT_WAV = (() => {
  const samples = new Int16Array(8000);
  new ToneGenerator({ frequencies: [1500], amplitude: 0.5 }).render(samples);
  return buildWav(samples, 8000);
})();

beforeEach(async () => {
  hits = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const path = (req.url ?? '').split('?')[0]!;
      hits.push({ path, params });
      if (path === '/voice') res.writeHead(200, { 'Content-Type': 'text/xml' }).end(voiceTwiml(params));
      else if (path === '/after') res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response><Say>You left the room</Say><Pause length="5"/></Response>');
      else if (path === '/wait') res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response><Play loop="0">/wait.wav</Play></Response>');
      else if (path === '/wait.wav') res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(WAIT_WAV);
      else if (path === '/hold') res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response><Say>Please hold</Say><Redirect/></Response>');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator = createEmulator({
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [] },
    applications: [{ sid: APP, voiceUrl: `${origin}/voice` }],
    numbers: [{ phoneNumber: TEAM, voiceApplicationSid: APP }],
    phones: [
      { number: '+12025550201', name: 'A', behaviour: { kind: 'manual' } },
      { number: '+12025550202', name: 'B', behaviour: { kind: 'manual' } },
      { number: '+12025550203', name: 'C', behaviour: { kind: 'manual' } },
    ],
    publicOrigin: origin,
    webhookTimeoutSeconds: 2,
  }, { createLeg: () => { throw new Error('no media legs in this test'); }, bridge: () => ({ unbridge() {} }) });
});
afterEach(async () => {
  emulator.shutdown();
  await new Promise((r) => server.close(r));
});

const conferenceEvents = () => hits.filter((h) => h.path === '/conf').map((h) => `${h.params.StatusCallbackEvent}${h.params.CallSid ? ` ${h.params.CallSid}` : ''}`);
/** The tones a phone hears clearly: a party's tone arrives at about -9 dBFS; onsets and mixing products stay far below -30. */
const heard = (number: string) => (emulator.phones.get(number)!.heard().tones ?? []).filter((t) => t.dbfs >= -30);
const hears = (number: string, hz: number) => hasTone(heard(number), hz);
const hearsOnlyMusic = (number: string) => heard(number).length > 0 && heard(number).every((t) => t.hz < HOLD_MUSIC_MAX_HZ);

async function callIn(number: string, toneHz: number): Promise<string> {
  const call = emulator.operator.phoneCall(number, TEAM, toneHz);
  await eventually(() => emulator.conferences.liveByName('room')?.seatOf(call.sid)?.joined, `${number} joined`, 5000);
  return call.sid;
}

describe('conference with simulated phones', () => {
  it('waitUrl: alone in a room, a participant hears what its URL plays; an empty waitUrl is silence', async () => {
    voiceTwiml = (p) => p.From === '+12025550201'
      ? '<Response><Dial><Conference beep="false" waitUrl="/wait" waitMethod="POST">room</Conference></Dial></Response>'
      : '<Response><Dial><Conference beep="false" waitUrl="">quiet</Conference></Dial></Response>';
    await callIn('+12025550201', 440);
    const quiet = emulator.operator.phoneCall('+12025550202', TEAM, 660);
    await eventually(() => emulator.conferences.liveByName('quiet')?.seatOf(quiet.sid)?.joined, 'B joined', 5000);
    await eventually(() => hears('+12025550201', 1500), 'A hears the wait URL', 5000);
    expect(heard('+12025550201').every((t) => t.hz === 1500)).toBe(true);
    expect(hits.find((h) => h.path === '/wait')?.params).toMatchObject({ FriendlyName: 'room', CallSid: expect.stringMatching(/^CA/) });
    await sleep(600);
    expect(heard('+12025550202')).toEqual([]);
  });


  it('three phones at 440/660/880 Hz each hear the other two, never themselves; hold, mute and leaving change that', async () => {
    voiceTwiml = () => `<Response><Dial action="/after"><Conference beep="false" statusCallback="/conf" statusCallbackEvent="start end join leave mute hold">room</Conference></Dial></Response>`;
    const a = await callIn('+12025550201', 440);
    // Alone before the start: the wait music, nothing else.
    await eventually(() => hearsOnlyMusic('+12025550201'), 'A hears wait music');
    const b = await callIn('+12025550202', 660);
    const c = await callIn('+12025550203', 880);
    const room = emulator.conferences.liveByName('room')!;
    expect(room.status).toBe('in-progress');
    await eventually(() => hears('+12025550201', 660) && hears('+12025550201', 880), 'A hears B and C');
    await eventually(() => hears('+12025550202', 440) && hears('+12025550202', 880), 'B hears A and C');
    await eventually(() => hears('+12025550203', 440) && hears('+12025550203', 660), 'C hears A and B');
    await sleep(300); // the joins and the end of the wait music leave the meters' 256 ms window
    for (const [n, own] of [['+12025550201', 440], ['+12025550202', 660], ['+12025550203', 880]] as const) {
      expect(heard(n).map((t) => t.hz).sort(), n).toEqual([440, 660, 880].filter((hz) => hz !== own).sort());
    }

    // C on hold: C hears hold music and only that; A and B stop hearing C.
    expect(room.update(c, { hold: true })).toBeNull();
    await eventually(() => !hears('+12025550201', 880) && !hears('+12025550202', 880), 'C no longer heard');
    await eventually(() => hearsOnlyMusic('+12025550203'), 'C hears music only');
    expect(hears('+12025550201', 660)).toBe(true);

    // B muted: A no longer hears B; B still hears A.
    room.update(b, { muted: true });
    await eventually(() => !hears('+12025550201', 660), 'B muted');
    expect(hears('+12025550202', 440)).toBe(true);

    // C back, B unmuted: everyone again.
    room.update(c, { hold: false });
    room.update(b, { muted: false });
    await eventually(() => hears('+12025550201', 660) && hears('+12025550201', 880) && hears('+12025550203', 440), 'all back');

    // A leaves: its <Dial> completes and its call goes on to the Dial action.
    await emulator.operator.hangup(emulator.phones.get('+12025550201')!);
    await eventually(() => !hears('+12025550202', 440), 'A gone');
    expect(room.status).toBe('in-progress');
    await emulator.operator.hangup(emulator.phones.get('+12025550202')!);
    await emulator.operator.hangup(emulator.phones.get('+12025550203')!);
    await eventually(() => room.status === 'completed', 'conference completed');
    await eventually(() => conferenceEvents().includes('conference-end'), 'end callback');
    expect(conferenceEvents()).toEqual([
      `participant-join ${a}`, `participant-join ${b}`, 'conference-start', `participant-join ${c}`,
      `participant-hold ${c}`, `participant-mute ${b}`, `participant-unhold ${c}`, `participant-unmute ${b}`,
      `participant-leave ${a}`, `participant-leave ${b}`, `participant-leave ${c}`, 'conference-end',
    ]);
    const seq = hits.filter((h) => h.path === '/conf').map((h) => Number(h.params.SequenceNumber));
    expect(seq).toEqual(seq.map((_, i) => i + 1));
    const end = hits.find((h) => h.params.StatusCallbackEvent === 'conference-end')!.params;
    expect(end).toMatchObject({ ConferenceSid: room.sid, FriendlyName: 'room', AccountSid: ACCOUNT, ReasonConferenceEnded: 'last-participant-left', CallSidEndingConference: c });
    const leave = hits.find((h) => h.params.StatusCallbackEvent === 'participant-leave')!.params;
    expect(leave).toMatchObject({ CallSid: a, ReasonParticipantLeft: 'participant_hung_up', ParticipantCallStatus: 'completed', Hold: 'false', Muted: 'false' });
  });

  it('endConferenceOnExit: the moderator leaves, the others\' <Dial> completes and they go on to its action', async () => {
    voiceTwiml = (p) => p.From === '+12025550201'
      ? '<Response><Dial><Conference endConferenceOnExit="true" beep="false" participantLabel="agent">room</Conference></Dial></Response>'
      : '<Response><Dial action="/after"><Conference beep="false" statusCallback="/conf" statusCallbackEvent="end leave">room</Conference></Dial></Response>';
    const b = await callIn('+12025550202', 660);
    await callIn('+12025550201', 440);
    const room = emulator.conferences.liveByName('room')!;
    await eventually(() => hears('+12025550202', 440), 'B hears the agent');
    await emulator.operator.hangup(emulator.phones.get('+12025550201')!);
    await eventually(() => room.status === 'completed', 'ended');
    // B is still up, now in the action's TwiML.
    await eventually(() => emulator.phones.get('+12025550202')!.heard().says.includes('You left the room'), 'B runs the action');
    const after = hits.find((h) => h.path === '/after')!.params;
    expect(after).toMatchObject({ CallSid: b, DialCallStatus: 'completed', CallStatus: 'in-progress' });
    await eventually(() => conferenceEvents().includes('conference-end'), 'end callback');
    expect(hits.find((h) => h.params.StatusCallbackEvent === 'conference-end')!.params).toMatchObject({
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left', ParticipantLabelEndingConference: 'agent',
    });
    expect(hits.find((h) => h.params.StatusCallbackEvent === 'participant-leave' && h.params.CallSid === b)!.params)
      .toMatchObject({ ReasonParticipantLeft: 'moderator_ended_conference', ParticipantCallStatus: 'in-progress' });
  });

  it('a held participant hears its holdUrl TwiML (looping with an empty <Redirect/>); maxParticipants turns the next caller away', async () => {
    voiceTwiml = () => '<Response><Dial action="/after"><Conference beep="false" maxParticipants="2">room</Conference></Dial></Response>';
    const a = await callIn('+12025550201', 440);
    await callIn('+12025550202', 660);
    const room = emulator.conferences.liveByName('room')!;
    room.update(a, { hold: true, holdProgram: { kind: 'url', url: `${origin}/hold`, method: 'GET' } });
    await eventually(() => emulator.calls.get(a)!.events.some((e) => e.text.includes('/hold: Say, Redirect')), 'hold TwiML fetched');
    await eventually(() => hits.filter((h) => h.path === '/hold').length >= 2, 'hold TwiML looped', 10000);
    expect(hears('+12025550201', 660)).toBe(false);

    const third = emulator.operator.phoneCall('+12025550203', TEAM, 880);
    await eventually(() => hits.some((h) => h.path === '/after' && h.params.CallSid === third.sid), 'C turned away to the action');
    expect(hits.find((h) => h.path === '/after' && h.params.CallSid === third.sid)!.params.DialCallStatus).toBe('failed');
    expect(emulator.calls.get(third.sid)!.events.some((e) => e.text.startsWith('21220 The conference is full'))).toBe(true);
  });
});
