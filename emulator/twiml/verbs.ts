/** TwiML voice verbs as the emulator understands them, with Twilio's defaults applied. */
export type Method = 'GET' | 'POST';

export interface SayVerb { verb: 'Say'; text: string; voice?: string; language?: string; loop: number }
export interface PlayVerb { verb: 'Play'; url: string; loop: number; digits?: string }
export interface PauseVerb { verb: 'Pause'; length: number }
export type PromptVerb = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'Gather';
  action?: string;
  method: Method;
  /** Seconds to wait for the next digit. */
  timeout: number;
  numDigits?: number;
  finishOnKey: string;
  actionOnEmptyResult: boolean;
  input: string;
  prompts: PromptVerb[];
}

export interface StatusCallbackSpec {
  url: string;
  method: Method;
  events: ('initiated' | 'ringing' | 'answered' | 'completed')[];
}

export type DialTarget =
  | { kind: 'number'; number: string; statusCallback?: StatusCallbackSpec; sendDigits?: string; url?: string }
  | { kind: 'client'; identity: string; params: Record<string, string>; statusCallback?: StatusCallbackSpec; url?: string };

/** <Dial><Conference>: the call joins a named conference room instead of ringing anyone. */
export interface ConferenceNoun {
  name: string;
  muted: boolean;
  beep: 'true' | 'false' | 'onEnter' | 'onExit';
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** Absent: the default wait music; '' silence. */
  waitUrl?: string;
  waitMethod: Method;
  maxParticipants: number;
  participantLabel?: string;
  /** The CallSid this participant coaches: only that participant hears it. */
  coach?: string;
  statusCallback?: string;
  statusCallbackMethod: Method;
  statusCallbackEvent: ('start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement')[];
  /** Attributes Twilio has that the emulator does not act on (record, region, trim, …), to say so in the call's log. */
  ignored: string[];
}

export interface DialVerb {
  verb: 'Dial';
  targets: DialTarget[];
  /** Set instead of targets for <Dial><Conference>. */
  conference?: ConferenceNoun;
  callerId?: string;
  answerOnBridge: boolean;
  /** Seconds to ring before giving up (no-answer). */
  timeout: number;
  timeLimit: number;
  action?: string;
  method: Method;
  hangupOnStar: boolean;
}

export type RecordingEvent = 'in-progress' | 'completed' | 'absent';

export interface RecordVerb {
  verb: 'Record';
  action?: string;
  method: Method;
  /** Seconds of silence that end the recording; 0 never ends it on silence. */
  timeout: number;
  /** Keys that end the recording; empty for none. */
  finishOnKey: string;
  /** Seconds. */
  maxLength: number;
  playBeep: boolean;
  trim: 'trim-silence' | 'do-not-trim';
  recordingStatusCallback?: { url: string; method: Method; events: RecordingEvent[] };
  /** recordingStatusCallbackEvent values Twilio does not know (a 13621 warning there). */
  ignoredEvents?: string[];
  /** Transcription is not emulated; kept so that running the verb can say so. */
  transcribe: boolean;
}

export interface HangupVerb { verb: 'Hangup' }
export interface RejectVerb { verb: 'Reject'; reason: 'rejected' | 'busy' }
export interface RedirectVerb { verb: 'Redirect'; url: string; method: Method }
/** A real TwiML verb the emulator does not implement; running it logs an error and moves on. */
export interface UnsupportedVerb { verb: 'Unsupported'; name: string }

export type Verb = PromptVerb | GatherVerb | DialVerb | RecordVerb | HangupVerb | RejectVerb | RedirectVerb | UnsupportedVerb;
