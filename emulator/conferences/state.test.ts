import { describe, expect, it } from 'vitest';
import {
  conferenceStep, hearingOf, newConferenceState, participantStatus, subscriptionOf, voiceReach,
  type ConferenceEffect, type ConferenceInput, type ConferenceState, type Seat,
} from './state';

const seat = (callSid: string, over: Partial<Seat> = {}): Seat => ({
  callSid, label: null, joined: true, muted: false, hold: false, coaching: false, callSidToCoach: null,
  startConferenceOnEnter: true, endConferenceOnExit: false, beepOnEnter: true, beepOnExit: true, ...over,
});

/** Runs inputs in order; returns the final state and every effect as a short line. */
function run(inputs: ConferenceInput[], start: ConferenceState = newConferenceState()): { state: ConferenceState; log: string[]; refused: string[] } {
  let state = start;
  const log: string[] = [];
  const refused: string[] = [];
  for (const input of inputs) {
    const step = conferenceStep(state, input);
    state = step.state;
    if (step.refused) refused.push(`${step.refused.code} ${step.refused.message}`);
    log.push(...step.effects.map(line));
  }
  return { state, log, refused };
}

function line(e: ConferenceEffect): string {
  if (e.kind === 'beep') return `beep ${e.sound}`;
  if (e.kind === 'release') return `release ${e.callSid}`;
  const who = e.seat ? ` ${e.seat.callSid}` : '';
  const extra = e.params ? ` ${Object.entries(e.params).filter(([k]) => k !== 'Reason').map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
  return `${e.name}${who}${extra}`;
}


const join = (callSid: string, over: Partial<Seat> = {}): ConferenceInput => ({ kind: 'join', seat: seat(callSid, over) });
const leave = (callSid: string, cause: 'hangup' | 'kicked' | 'redirected' | 'dial-ended' | 'add-failed' = 'hangup', callStatus = 'completed'): ConferenceInput =>
  ({ kind: 'leave', callSid, cause, callStatus });

describe('conference state machine', () => {
  it('does not start with one participant; the second one starts it (join, then start, then the beep)', () => {
    const { state, log } = run([join('A'), join('B')]);
    expect(state.status).toBe('in-progress');
    expect(log).toEqual(['participant-join A', 'participant-join B', 'conference-start', 'beep enter']);
  });

  it.each([
    ['nobody has startConferenceOnEnter', [false, false], 'init'],
    ['the second has it', [false, true], 'in-progress'],
    ['the first has it', [true, false], 'in-progress'],
  ] as const)('start rule: %s → %s', (_name, starts, status) => {
    const { state } = run([join('A', { startConferenceOnEnter: starts[0] }), join('B', { startConferenceOnEnter: starts[1] })]);
    expect(state.status).toBe(status);
  });

  it('a moderated room waits until the moderator comes', () => {
    const { state, log } = run([
      join('A', { startConferenceOnEnter: false }), join('B', { startConferenceOnEnter: false }), join('M', { beepOnEnter: false }),
    ]);
    expect(state.status).toBe('in-progress');
    expect(log).toEqual(['participant-join A', 'participant-join B', 'participant-join M', 'conference-start']);
  });

  it('ends when the last participant leaves, with the leave first and the end last', () => {
    const { state, log } = run([join('A'), join('B'), leave('A'), leave('B')]);
    expect(state.status).toBe('completed');
    expect(log.slice(4)).toEqual([
      'participant-leave A ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up',
      'beep exit',
      'participant-leave B ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up',
      'conference-end ReasonConferenceEnded=last-participant-left CallSidEndingConference=B',
    ]);
    expect(state.ended).toEqual({ reason: 'last-participant-left', callSid: 'B', label: null });
  });

  it('a lone participant leaving a conference that never started ends it', () => {
    const { state, log } = run([join('A'), leave('A')]);
    expect(state.status).toBe('completed');
    expect(log.at(-1)).toBe('conference-end ReasonConferenceEnded=last-participant-left CallSidEndingConference=A');
  });

  it('endConferenceOnExit: when that participant leaves, everyone else is released and the conference ends', () => {
    const { state, log } = run([join('A', { endConferenceOnExit: true, label: 'agent' }), join('B'), join('C'), leave('A')]);
    expect(state.status).toBe('completed');
    expect(log.slice(log.indexOf('participant-leave A ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up'))).toEqual([
      'participant-leave A ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up',
      'release B',
      'participant-leave B ParticipantCallStatus=in-progress ReasonParticipantLeft=moderator_ended_conference',
      'release C',
      'participant-leave C ParticipantCallStatus=in-progress ReasonParticipantLeft=moderator_ended_conference',
      'conference-end ReasonConferenceEnded=participant-with-end-conference-on-exit-left CallSidEndingConference=A ParticipantLabelEndingConference=agent',
    ]);
  });

  it('kicking (API) reports -kicked reasons', () => {
    expect(run([join('A', { endConferenceOnExit: true }), join('B'), leave('A', 'kicked', 'in-progress')]).log.at(-1))
      .toBe('conference-end ReasonConferenceEnded=participant-with-end-conference-on-exit-kicked CallSidEndingConference=A');
    expect(run([join('A'), leave('A', 'kicked', 'in-progress')]).log.at(-1))
      .toBe('conference-end ReasonConferenceEnded=last-participant-kicked CallSidEndingConference=A');
  });

  it('a participant leaving a live conference beeps unless beepOnExit is off; the rest carry on', () => {
    expect(run([join('A'), join('B'), join('C'), leave('C')]).log.at(-1)).toBe('beep exit');
    const quiet = run([join('A'), join('B'), join('C', { beepOnExit: false }), leave('C')]);
    expect(quiet.log.at(-1)).toMatch(/^participant-leave C/);
    expect(quiet.state.status).toBe('in-progress');
  });

  it('the API ends it: everyone is released with conference_ended_via_api', () => {
    const { state, log } = run([join('A'), join('B'), { kind: 'end' }]);
    expect(state.status).toBe('completed');
    expect(log.slice(-5)).toEqual([
      'release A', 'participant-leave A ParticipantCallStatus=in-progress ReasonParticipantLeft=conference_ended_via_api',
      'release B', 'participant-leave B ParticipantCallStatus=in-progress ReasonParticipantLeft=conference_ended_via_api',
      'conference-end ReasonConferenceEnded=conference-ended-via-api',
    ]);
  });

  it('maxParticipants and unique labels refuse a seat; a completed conference refuses everyone', () => {
    const full = run([join('A'), join('B'), join('C')], newConferenceState(2));
    expect(full.state.seats.map((s) => s.callSid)).toEqual(['A', 'B']);
    expect(full.refused).toEqual(['21220 The conference is full (maxParticipants 2)']);
    const labels = run([join('A', { label: 'customer' }), join('B', { label: 'customer' })]);
    expect(labels.refused).toEqual(['16025 A participant with the label "customer" is already in the conference']);
    const over = run([join('A'), leave('A'), join('B')]);
    expect(over.refused).toEqual(['21220 The conference has ended']);
  });

  it('API participants hold a seat while ringing, join on answer, and report a failed add', () => {
    const ringing = run([join('A'), { kind: 'seat', seat: seat('B') }]);
    expect(ringing.state.seats.map((s) => [s.callSid, s.joined])).toEqual([['A', true], ['B', false]]);
    expect(ringing.state.status).toBe('init');
    const answered = run([{ kind: 'join', seat: seat('B') }], ringing.state);
    expect(answered.log).toEqual(['participant-join B', 'conference-start', 'beep enter']);
    const failed = run([leave('B', 'add-failed', 'no-answer')], ringing.state);
    expect(failed.log).toEqual(['participant-leave B ParticipantCallStatus=no-answer ReasonParticipantLeft=participant_add_failed']);
    expect(failed.state.status).toBe('init');
    // The last one in the room leaves while someone is still being dialed: that call is released.
    const gone = run([leave('A')], ringing.state);
    expect(gone.log).toEqual([
      'participant-leave A ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up',
      'release B', 'participant-leave B ParticipantCallStatus=canceled ReasonParticipantLeft=moderator_ended_conference',
      'conference-end ReasonConferenceEnded=last-participant-left CallSidEndingConference=A',
    ]);
  });

  it('updates report mute, hold and modify in that order, only for what changed', () => {
    const start = run([join('A'), join('B')]).state;
    const update = (changes: object) => run([{ kind: 'update', callSid: 'B', changes }], start).log;
    expect(update({ muted: true })).toEqual(['participant-mute B']);
    expect(update({ muted: false })).toEqual([]);
    expect(update({ hold: true, muted: true })).toEqual(['participant-mute B', 'participant-hold B']);
    expect(update({ endConferenceOnExit: true })).toEqual(['participant-modify B']);
    expect(update({ waitUrl: true, beepOnExit: false })).toEqual(['participant-modify B']);
    const held = run([{ kind: 'update', callSid: 'B', changes: { hold: true } }, { kind: 'update', callSid: 'B', changes: { hold: false } }], start);
    expect(held.log).toEqual(['participant-hold B', 'participant-unhold B']);
    expect(run([{ kind: 'update', callSid: 'X', changes: { hold: true } }], start).refused[0]).toMatch(/^20404/);
  });

  it('events map to the statusCallbackEvent keywords that subscribe to them', () => {
    expect([
      'conference-start', 'conference-end', 'participant-join', 'participant-leave', 'participant-mute', 'participant-unmute',
      'participant-hold', 'participant-unhold', 'participant-modify', 'participant-speech-start', 'participant-speech-stop',
      'announcement-end', 'announcement-fail',
    ].map((e) => subscriptionOf(e as never))).toEqual([
      'start', 'end', 'join', 'leave', 'mute', 'mute', 'hold', 'hold', 'modify', 'speaker', 'speaker', 'announcement', 'announcement',
    ]);
  });
});

describe('who hears whom', () => {
  it.each([
    ['in the room', 'in-progress', {}, 'room', 'everyone'],
    ['muted', 'in-progress', { muted: true }, 'room', 'nobody'],
    ['held', 'in-progress', { hold: true }, 'hold', 'nobody'],
    ['held and muted', 'in-progress', { hold: true, muted: true }, 'hold', 'nobody'],
    ['waiting for the start', 'init', {}, 'wait', 'nobody'],
    ['held before the start', 'init', { hold: true }, 'hold', 'nobody'],
    ['still ringing', 'in-progress', { joined: false }, 'nothing', 'nobody'],
    ['coaching B', 'in-progress', { coaching: true, callSidToCoach: 'B' }, 'room', 'B'],
  ] as const)('%s: hears %s, heard by %s', (_name, status, over, hearing, heardBy) => {
    const s = seat('A', over);
    expect(hearingOf(status, s)).toBe(hearing);
    const reach = voiceReach(status, s);
    expect(reach.to === 'one' ? reach.callSid : reach.to).toBe(heardBy);
  });

  it.each([
    ['queued', false, 'queued'], ['initiated', false, 'connecting'], ['ringing', false, 'ringing'],
    ['in-progress', false, 'connecting'], ['in-progress', true, 'connected'], ['completed', true, 'complete'],
    ['no-answer', false, 'failed'], ['busy', false, 'failed'], ['canceled', false, 'failed'],
  ] as const)('participant status: call %s, joined %s → %s', (call, joined, status) => {
    expect(participantStatus(call, joined)).toBe(status);
  });
});
