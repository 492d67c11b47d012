/**
 * TwiML text → verbs. Twilio rejects a document that is not well-formed or has a root other than
 * <Response> (error 12100); verbs that exist in Twilio but not in the emulator are kept as
 * "Unsupported" so running them is a visible error, never silence.
 */
import { parseXml, textOf, XmlParseError, type XmlElement } from './xml';
import type {
  ConferenceNoun, DialTarget, DialVerb, GatherVerb, Method, PromptVerb, RecordingEvent, RecordVerb, StatusCallbackSpec, Verb,
} from './verbs';

export class TwimlError extends Error {
  constructor(message: string, readonly code = 12100) {
    super(message);
  }
}

/** Twilio voice verbs the emulator does not run. */
const KNOWN_UNSUPPORTED = new Set([
  'Enqueue', 'Leave', 'Queue', 'Conference', 'Sip', 'Connect', 'Stream', 'Start', 'Stop', 'Pay',
  'Refer', 'Sms', 'Message', 'Echo', 'Prompt',
]);

const elements = (el: XmlElement): XmlElement[] => el.children.filter((c): c is XmlElement => typeof c !== 'string');

function method(value: string | undefined): Method {
  if (value === undefined || value === '') return 'POST';
  const upper = value.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw new TwimlError(`Invalid method "${value}"`);
  return upper;
}

function int(value: string | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new TwimlError(`Invalid ${name} "${value}"`);
  return n;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value.toLowerCase() === 'true';
}

function prompt(el: XmlElement): PromptVerb {
  switch (el.name) {
    case 'Say':
      return {
        verb: 'Say', text: textOf(el).trim(), loop: int(el.attrs.loop, 1, 'loop'),
        ...(el.attrs.voice ? { voice: el.attrs.voice } : {}),
        ...(el.attrs.language ? { language: el.attrs.language } : {}),
      };
    case 'Play': {
      const url = textOf(el).trim();
      const digits = el.attrs.digits;
      if (!url && !digits) throw new TwimlError('<Play> needs a URL or digits');
      return { verb: 'Play', url, loop: int(el.attrs.loop, 1, 'loop'), ...(digits ? { digits } : {}) };
    }
    case 'Pause':
      return { verb: 'Pause', length: int(el.attrs.length, 1, 'length') };
    default:
      throw new TwimlError(`<${el.name}> is not allowed here`);
  }
}

function statusCallback(el: XmlElement): StatusCallbackSpec | undefined {
  const url = el.attrs.statusCallback;
  if (!url) return undefined;
  const events = (el.attrs.statusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean);
  for (const e of events) {
    if (!['initiated', 'ringing', 'answered', 'completed'].includes(e)) throw new TwimlError(`Invalid statusCallbackEvent "${e}"`);
  }
  return { url, method: method(el.attrs.statusCallbackMethod), events: events as StatusCallbackSpec['events'] };
}

function dialTarget(el: XmlElement): DialTarget {
  const sc = statusCallback(el);
  const common = { ...(sc ? { statusCallback: sc } : {}), ...(el.attrs.url ? { url: el.attrs.url } : {}) };
  if (el.name === 'Number') {
    const number = textOf(el).replace(/[\s()-]/g, '');
    if (!number) throw new TwimlError('<Number> is empty');
    return { kind: 'number', number, ...common, ...(el.attrs.sendDigits ? { sendDigits: el.attrs.sendDigits } : {}) };
  }
  if (el.name === 'Client') {
    const identityEl = elements(el).find((c) => c.name === 'Identity');
    const identity = (identityEl ? textOf(identityEl) : el.children.filter((c) => typeof c === 'string').join('')).trim();
    if (!identity) throw new TwimlError('<Client> has no identity');
    const params: Record<string, string> = {};
    for (const p of elements(el).filter((c) => c.name === 'Parameter')) {
      if (p.attrs.name) params[p.attrs.name] = p.attrs.value ?? '';
    }
    return { kind: 'client', identity, params, ...common };
  }
  throw new TwimlError(`<Dial><${el.name}> is not supported by the emulator`, 13201);
}

const CONFERENCE_EVENTS = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'];
const BEEPS = ['true', 'false', 'onEnter', 'onExit'];
/** <Conference> attributes Twilio has that the emulator accepts but does not act on. */
const CONFERENCE_IGNORED = ['record', 'recordingStatusCallback', 'recordingStatusCallbackMethod', 'recordingStatusCallbackEvent',
  'region', 'trim', 'jitterBufferSize', 'eventCallbackUrl', 'recordingConfigurationId'];

function conference(el: XmlElement): ConferenceNoun {
  const name = textOf(el).trim();
  if (!name) throw new TwimlError('<Conference> has no name');
  const a = el.attrs;
  const beep = a.beep ?? 'true';
  if (!BEEPS.includes(beep)) throw new TwimlError(`Invalid beep "${beep}"`);
  const events = (a.statusCallbackEvent ?? '').split(/[\s,]+/).filter(Boolean);
  for (const e of events) if (!CONFERENCE_EVENTS.includes(e)) throw new TwimlError(`Invalid statusCallbackEvent "${e}"`);
  const maxParticipants = int(a.maxParticipants, 250, 'maxParticipants', 2);
  if (maxParticipants > 250) throw new TwimlError(`Invalid maxParticipants "${a.maxParticipants}"`);
  if (a.participantLabel !== undefined && a.participantLabel.length > 128) throw new TwimlError('participantLabel is longer than 128 characters');
  return {
    name,
    muted: bool(a.muted, false),
    beep: beep as ConferenceNoun['beep'],
    startConferenceOnEnter: bool(a.startConferenceOnEnter, true),
    endConferenceOnExit: bool(a.endConferenceOnExit, false),
    ...(a.waitUrl !== undefined ? { waitUrl: a.waitUrl.trim() } : {}),
    // Twilio requests a waitUrl you give with POST, and its own default playlist with GET.
    waitMethod: a.waitMethod ? method(a.waitMethod) : a.waitUrl ? 'POST' : 'GET',
    maxParticipants,
    ...(a.participantLabel ? { participantLabel: a.participantLabel } : {}),
    ...(a.coach ? { coach: a.coach } : {}),
    ...(a.statusCallback ? { statusCallback: a.statusCallback } : {}),
    statusCallbackMethod: method(a.statusCallbackMethod),
    statusCallbackEvent: events as ConferenceNoun['statusCallbackEvent'],
    ignored: CONFERENCE_IGNORED.filter((k) => a[k] !== undefined),
  };
}

function dial(el: XmlElement): DialVerb {
  const nouns = elements(el);
  const room = nouns.find((n) => n.name === 'Conference');
  if (room && nouns.length > 1) throw new TwimlError('<Dial><Conference> cannot be combined with other nouns');
  const targets: DialTarget[] = room ? [] : nouns.length
    ? nouns.map(dialTarget)
    : [{ kind: 'number', number: textOf(el).replace(/[\s()-]/g, '') }];
  if (targets.some((t) => t.kind === 'number' && !t.number)) throw new TwimlError('<Dial> has nothing to dial');
  return {
    verb: 'Dial', targets,
    ...(room ? { conference: conference(room) } : {}),
    ...(el.attrs.callerId ? { callerId: el.attrs.callerId } : {}),
    answerOnBridge: bool(el.attrs.answerOnBridge, false),
    timeout: int(el.attrs.timeout, 30, 'timeout', 1),
    timeLimit: int(el.attrs.timeLimit, 14400, 'timeLimit', 1),
    ...(el.attrs.action ? { action: el.attrs.action } : {}),
    method: method(el.attrs.method),
    hangupOnStar: bool(el.attrs.hangupOnStar, false),
  };
}

function gather(el: XmlElement): GatherVerb {
  const numDigits = el.attrs.numDigits === undefined ? undefined : int(el.attrs.numDigits, 1, 'numDigits', 1);
  return {
    verb: 'Gather',
    ...(el.attrs.action ? { action: el.attrs.action } : {}),
    method: method(el.attrs.method),
    timeout: int(el.attrs.timeout, 5, 'timeout'),
    ...(numDigits !== undefined ? { numDigits } : {}),
    finishOnKey: el.attrs.finishOnKey ?? '#',
    actionOnEmptyResult: bool(el.attrs.actionOnEmptyResult, false),
    input: el.attrs.input ?? 'dtmf',
    prompts: elements(el).map(prompt),
  };
}

/** Twilio's ceiling for maxLength (4 hours; 24 only on accounts allowed longer calls). */
const MAX_RECORD_SECONDS = 14400;
const RECORDING_EVENTS: readonly RecordingEvent[] = ['in-progress', 'completed', 'absent'];

function record(el: XmlElement): RecordVerb {
  const url = el.attrs.recordingStatusCallback;
  const asked = (el.attrs.recordingStatusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean);
  // Twilio only warns (13621) about an unknown event and keeps the others.
  const events = asked.filter((e): e is RecordingEvent => RECORDING_EVENTS.includes(e as RecordingEvent));
  const ignoredEvents = asked.filter((e) => !RECORDING_EVENTS.includes(e as RecordingEvent));
  const trim = el.attrs.trim ?? 'trim-silence';
  if (trim !== 'trim-silence' && trim !== 'do-not-trim') throw new TwimlError(`Invalid trim "${trim}"`);
  const finishOnKey = el.attrs.finishOnKey ?? '1234567890*#';
  if (!/^[0-9*#]*$/.test(finishOnKey)) throw new TwimlError(`Invalid finishOnKey "${finishOnKey}"`);
  return {
    verb: 'Record',
    ...(el.attrs.action ? { action: el.attrs.action } : {}),
    method: method(el.attrs.method),
    timeout: int(el.attrs.timeout, 5, 'timeout'),
    finishOnKey,
    maxLength: Math.min(MAX_RECORD_SECONDS, int(el.attrs.maxLength, 3600, 'maxLength', 1)),
    playBeep: bool(el.attrs.playBeep, true),
    trim,
    ...(url ? { recordingStatusCallback: { url, method: method(el.attrs.recordingStatusCallbackMethod), events } } : {}),
    ...(ignoredEvents.length ? { ignoredEvents } : {}),
    transcribe: bool(el.attrs.transcribe, false) || el.attrs.transcribeCallback !== undefined,
  };
}

/** Options for documents that are not a call's own TwiML. */
export interface ParseOptions {
  /** A wait or hold document's empty <Redirect/> means "this document again" (it loops). */
  emptyRedirectLoops?: boolean;
}

function verb(el: XmlElement, opts: ParseOptions = {}): Verb {
  switch (el.name) {
    case 'Say': case 'Play': case 'Pause': return prompt(el);
    case 'Gather': return gather(el);
    case 'Dial': return dial(el);
    case 'Record': return record(el);
    case 'Hangup': return { verb: 'Hangup' };
    case 'Reject': return { verb: 'Reject', reason: el.attrs.reason === 'busy' ? 'busy' : 'rejected' };
    case 'Redirect': {
      const url = textOf(el).trim();
      if (!url && !opts.emptyRedirectLoops) throw new TwimlError('<Redirect> has no URL');
      return { verb: 'Redirect', url, method: method(el.attrs.method) };
    }
    default:
      if (KNOWN_UNSUPPORTED.has(el.name)) return { verb: 'Unsupported', name: el.name };
      throw new TwimlError(`<${el.name}> is not a TwiML verb`);
  }
}

export function parseTwiml(source: string, opts: ParseOptions = {}): Verb[] {
  let root: XmlElement;
  try {
    root = parseXml(source);
  } catch (e) {
    if (e instanceof XmlParseError) throw new TwimlError(`Document parse failure: ${e.message}`);
    throw e;
  }
  if (root.name !== 'Response') throw new TwimlError(`Root element must be <Response>, not <${root.name}>`);
  return elements(root).map((el) => verb(el, opts));
}
