import { describe, expect, it } from 'vitest';
import { afterVerb, answersCall, gatherStep, raceStep, startRace, dialCallStatus, type RaceEvent, type RaceState, type VerbOutcome } from './interpreter';
import type { DialVerb, GatherVerb, RecordVerb, Verb } from './verbs';

const DOC = 'https://app.test/handle_calls';
const gather = (over: Partial<GatherVerb> = {}): GatherVerb => ({ verb: 'Gather', method: 'POST', timeout: 5, finishOnKey: '#', actionOnEmptyResult: false, input: 'dtmf', prompts: [], ...over });
const dial = (over: Partial<DialVerb> = {}): DialVerb => ({ verb: 'Dial', targets: [], answerOnBridge: false, timeout: 30, timeLimit: 14400, method: 'POST', hangupOnStar: false, ...over });
const record = (over: Partial<RecordVerb> = {}): RecordVerb => ({ verb: 'Record', method: 'POST', timeout: 5, finishOnKey: '1234567890*#', maxLength: 3600, playBeep: true, trim: 'trim-silence', transcribe: false, ...over });
const REC = 'https://emulator.test/2010-04-01/Accounts/AC1/Recordings/RE1';
const recorded = (over: Partial<Extract<VerbOutcome, { verb: 'Record' }>> = {}): VerbOutcome => ({ verb: 'Record', recordingUrl: REC, durationSeconds: 3, digits: '', empty: false, callerHungUp: false, ...over });
const dialed = (over: Partial<Extract<VerbOutcome, { verb: 'Dial' }>> = {}): VerbOutcome => ({ verb: 'Dial', dialCallStatus: 'completed', callerHungUp: false, ...over });

describe('afterVerb', () => {
  const cases: { name: string; verb: Verb; outcome: VerbOutcome; next: unknown }[] = [
    { name: 'Say continues', verb: { verb: 'Say', text: 'hi', loop: 1 }, outcome: { verb: 'Other' }, next: { kind: 'continue' } },
    { name: 'Gather with digits posts to action', verb: gather({ action: '/menu', method: 'GET' }), outcome: { verb: 'Gather', digits: '12', finishedOnKey: '' },
      next: { kind: 'fetch', url: '/menu', method: 'GET', params: { Digits: '12' }, ignoreResult: false } },
    { name: 'Gather finished by key reports the key', verb: gather({ action: '/menu' }), outcome: { verb: 'Gather', digits: '7', finishedOnKey: '#' },
      next: { kind: 'fetch', url: '/menu', method: 'POST', params: { Digits: '7', FinishedOnKey: '#' }, ignoreResult: false } },
    { name: 'Gather without action posts to the document', verb: gather(), outcome: { verb: 'Gather', digits: '5', finishedOnKey: '' },
      next: { kind: 'fetch', url: DOC, method: 'POST', params: { Digits: '5' }, ignoreResult: false } },
    { name: 'Gather with no input falls through', verb: gather({ action: '/menu' }), outcome: { verb: 'Gather', digits: '', finishedOnKey: '' }, next: { kind: 'continue' } },
    { name: 'Gather actionOnEmptyResult posts empty digits', verb: gather({ action: '/menu', actionOnEmptyResult: true }), outcome: { verb: 'Gather', digits: '', finishedOnKey: '' },
      next: { kind: 'fetch', url: '/menu', method: 'POST', params: { Digits: '' }, ignoreResult: false } },
    { name: 'Dial with action posts the dial result', verb: dial({ action: '/after' }), outcome: dialed({ dialCallStatus: 'completed', dialCallSid: 'CAx', dialCallDuration: 12 }),
      next: { kind: 'fetch', url: '/after', method: 'POST', params: { DialCallStatus: 'completed', DialBridged: 'true', DialCallSid: 'CAx', DialCallDuration: '12' }, ignoreResult: false } },
    { name: 'Dial busy with action', verb: dial({ action: '/after' }), outcome: dialed({ dialCallStatus: 'busy', dialCallSid: 'CAy' }),
      next: { kind: 'fetch', url: '/after', method: 'POST', params: { DialCallStatus: 'busy', DialBridged: 'false', DialCallSid: 'CAy' }, ignoreResult: false } },
    { name: 'Dial action after the caller hung up is posted but ignored', verb: dial({ action: '/after' }), outcome: dialed({ callerHungUp: true }),
      next: { kind: 'fetch', url: '/after', method: 'POST', params: { DialCallStatus: 'completed', DialBridged: 'true' }, ignoreResult: true } },
    { name: 'Dial without action continues', verb: dial(), outcome: dialed({ dialCallStatus: 'no-answer' }), next: { kind: 'continue' } },
    { name: 'Dial without action ends when the caller hung up', verb: dial(), outcome: dialed({ callerHungUp: true }), next: { kind: 'end', reason: 'hangup' } },
    { name: 'Redirect fetches', verb: { verb: 'Redirect', url: '/r', method: 'POST' }, outcome: { verb: 'Other' }, next: { kind: 'fetch', url: '/r', method: 'POST', params: {}, ignoreResult: false } },
    { name: 'Hangup ends', verb: { verb: 'Hangup' }, outcome: { verb: 'Other' }, next: { kind: 'end', reason: 'hangup' } },
    { name: 'Reject busy', verb: { verb: 'Reject', reason: 'busy' }, outcome: { verb: 'Other' }, next: { kind: 'end', reason: 'busy' } },
    { name: 'Reject', verb: { verb: 'Reject', reason: 'rejected' }, outcome: { verb: 'Other' }, next: { kind: 'end', reason: 'rejected' } },
    { name: 'Record finished by a key posts the recording and the key', verb: record({ action: '/recorded', method: 'GET' }), outcome: recorded({ digits: '#' }),
      next: { kind: 'fetch', url: '/recorded', method: 'GET', params: { RecordingUrl: REC, RecordingDuration: '3', Digits: '#' }, ignoreResult: false } },
    { name: 'Record ended by silence or maxLength posts no Digits', verb: record({ action: '/recorded' }), outcome: recorded({ durationSeconds: 7 }),
      next: { kind: 'fetch', url: '/recorded', method: 'POST', params: { RecordingUrl: REC, RecordingDuration: '7' }, ignoreResult: false } },
    { name: 'Record without action posts to the document', verb: record(), outcome: recorded(),
      next: { kind: 'fetch', url: DOC, method: 'POST', params: { RecordingUrl: REC, RecordingDuration: '3' }, ignoreResult: false } },
    { name: 'Record the caller hung up on is posted but ignored', verb: record({ action: '/recorded' }), outcome: recorded({ digits: 'hangup', callerHungUp: true }),
      next: { kind: 'fetch', url: '/recorded', method: 'POST', params: { RecordingUrl: REC, RecordingDuration: '3', Digits: 'hangup' }, ignoreResult: true } },
    { name: 'An empty recording is not posted: the next verb runs', verb: record({ action: '/recorded' }), outcome: recorded({ empty: true, durationSeconds: 0 }), next: { kind: 'continue' } },
    { name: 'Unsupported continues', verb: { verb: 'Unsupported', name: 'Pay' }, outcome: { verb: 'Other' }, next: { kind: 'continue' } },
  ];
  it.each(cases)('$name', ({ verb, outcome, next }) => {
    expect(afterVerb(verb, outcome, DOC)).toEqual(next);
  });
});

describe('answersCall', () => {
  it.each<[Verb, boolean]>([
    [{ verb: 'Say', text: '', loop: 1 }, true],
    [gather(), true],
    [dial(), true],
    [dial({ answerOnBridge: true }), false],
    [{ ...dial({ answerOnBridge: true }), targets: [], conference: { name: 'room' } as never }, true],
    [{ verb: 'Reject', reason: 'rejected' }, false],
    [{ verb: 'Hangup' }, false],
    [{ verb: 'Redirect', url: '/', method: 'POST' }, false],
  ])('%j → %s', (verb, answers) => expect(answersCall(verb)).toBe(answers));
});

describe('gatherStep', () => {
  const run = (cfg: Pick<GatherVerb, 'numDigits' | 'finishOnKey'>, inputs: string[]) => {
    let state = { digits: '' };
    for (const input of inputs) {
      const step = gatherStep(cfg, state, input === 'T' ? { kind: 'timeout' } : { kind: 'digit', digit: input });
      if (step.done) return step.done;
      state = step.state;
    }
    return null;
  };
  it.each([
    { cfg: { numDigits: 3, finishOnKey: '#' }, inputs: ['1', '2', '3'], done: { digits: '123', finishedOnKey: '' } },
    { cfg: { numDigits: 3, finishOnKey: '#' }, inputs: ['1', '#'], done: { digits: '1', finishedOnKey: '#' } },
    { cfg: { finishOnKey: '#' }, inputs: ['1', '9', '*', '#'], done: { digits: '19*', finishedOnKey: '#' } },
    { cfg: { finishOnKey: '' }, inputs: ['1', '#', 'T'], done: { digits: '1#', finishedOnKey: '' } },
    { cfg: { finishOnKey: '*' }, inputs: ['4', 'T'], done: { digits: '4', finishedOnKey: '' } },
    { cfg: { numDigits: 1, finishOnKey: '#' }, inputs: ['T'], done: { digits: '', finishedOnKey: '' } },
    { cfg: { numDigits: 4, finishOnKey: '#' }, inputs: ['1', '2'], done: null },
  ])('$inputs with $cfg → $done', ({ cfg, inputs, done }) => {
    expect(run(cfg, inputs)).toEqual(done);
  });
});

describe('raceStep', () => {
  const play = (forks: { id: string; child: string }[], events: RaceEvent[]) => {
    let state: RaceState = startRace(forks);
    const cancelled: string[] = [];
    const hungUp: string[] = [];
    for (const e of events) {
      const step = raceStep(state, e);
      state = step.state;
      cancelled.push(...step.cancel.map((f) => f.id));
      hungUp.push(...step.hangup.map((f) => f.id));
    }
    return { result: state.result && { status: state.result.status, winner: state.result.winner?.id }, cancelled, hungUp };
  };
  const two = [{ id: 'tab1', child: 'CA1' }, { id: 'tab2', child: 'CA1' }];
  const mixed = [{ id: 'tab1', child: 'CA1' }, { id: 'phone', child: 'CA2' }];
  it.each([
    { name: 'first answer wins, the other registration is cancelled', forks: two, events: [{ kind: 'answer', fork: 'tab2' }], result: { status: 'answered', winner: 'tab2' }, cancelled: ['tab1'], hungUp: [] },
    { name: 'a late second answer is hung up', forks: two, events: [{ kind: 'answer', fork: 'tab1' }, { kind: 'answer', fork: 'tab2' }], result: { status: 'answered', winner: 'tab1' }, cancelled: ['tab2'], hungUp: [] },
    { name: 'reject ends every registration of that client', forks: two, events: [{ kind: 'reject', fork: 'tab1' }], result: { status: 'busy', winner: undefined }, cancelled: ['tab2'], hungUp: [] },
    { name: 'reject of one target leaves the other ringing', forks: mixed, events: [{ kind: 'reject', fork: 'tab1' }], result: null, cancelled: [], hungUp: [] },
    { name: 'then the other answers', forks: mixed, events: [{ kind: 'reject', fork: 'tab1' }, { kind: 'answer', fork: 'phone' }], result: { status: 'answered', winner: 'phone' }, cancelled: [], hungUp: [] },
    { name: 'busy phone and rejecting client → busy', forks: mixed, events: [{ kind: 'busy', child: 'CA2' }, { kind: 'reject', fork: 'tab1' }], result: { status: 'busy', winner: undefined }, cancelled: [], hungUp: [] },
    { name: 'timeout → no-answer, all cancelled', forks: two, events: [{ kind: 'timeout' }], result: { status: 'no-answer', winner: undefined }, cancelled: ['tab1', 'tab2'], hungUp: [] },
    { name: 'caller hangs up → canceled', forks: two, events: [{ kind: 'caller-hangup' }, { kind: 'answer', fork: 'tab1' }], result: { status: 'canceled', winner: undefined }, cancelled: ['tab1', 'tab2'], hungUp: [] },
    { name: 'all forks fail → failed', forks: two, events: [{ kind: 'fail', fork: 'tab1' }, { kind: 'fail', fork: 'tab2' }], result: { status: 'failed', winner: undefined }, cancelled: [], hungUp: [] },
    { name: 'nobody to ring → failed at once', forks: [], events: [], result: { status: 'failed', winner: undefined }, cancelled: [], hungUp: [] },
  ] as const)('$name', ({ forks, events, result, cancelled, hungUp }) => {
    expect(play([...forks], [...events] as RaceEvent[])).toEqual({ result, cancelled, hungUp });
  });

  it('reports completed only for a bridged answer', () => {
    expect(dialCallStatus({ status: 'answered' }, true)).toBe('completed');
    expect(dialCallStatus({ status: 'answered' }, false)).toBe('answered');
    expect(dialCallStatus({ status: 'busy' }, false)).toBe('busy');
  });
});
