/**
 * What to do with a call, decided from the webhook's form parameters and what the server holds in memory
 * (configuration, and who is available: never a query while a caller waits). Pure functions: the route
 * passes the parameters and the context in and renders the decision with twiml.ts.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { asE164, checkDestination } from './destination';
import type { BlockReason } from './destination';
import { isOpen } from './business-hours';
import type { BusinessHours } from './business-hours';
import { emergencyNumberIn, emergencyNumbers } from './emergency';

export interface VoiceContext {
  teamNumber: string;
  defaultCountry: CountryCode;
  allowedCountries: readonly CountryCode[];
  users: readonly string[];
  ringGroup: readonly string[];
  ringTimeoutSeconds: number;
  /** Users who may be rung for the team number now (not on Do not disturb). */
  available: ReadonlySet<string>;
  /** Emergency numbers are dialed (EMERGENCY_CALLING=on and an emergency address registered). Default: no. */
  emergencyCalling?: boolean;
  /** The numbers treated as emergency numbers. Default: those of `defaultCountry` (emergency.ts). */
  emergencyNumbers?: readonly string[];
  /** An unanswered caller to the team number may leave a message. Without it they hear that no one is available. */
  voicemail?: VoicemailSettings;
  /** The time of the call, for business hours. Default: now. */
  now?: Date;
}

export interface VoicemailSettings {
  greeting: string;
  maxSeconds: number;
  /** Outside these hours callers to the team number go straight to voicemail; without them, always open. */
  businessHours?: BusinessHours;
  /** What they hear then, instead of `greeting`. */
  afterHoursGreeting?: string;
}

/** Which kind of <Dial> an after-dial request follows (carried in the action URL's query). */
export type DialLeg = 'number' | 'client' | 'inbound';

export type RefuseReason = BlockReason | 'unknown-user' | 'self' | 'unknown-caller' | 'not-a-team-number' | 'emergency';

export type VoiceDecision =
  | { kind: 'dial-number'; callerId: string; number: string; timeout: number }
  | { kind: 'dial-client'; identity: string; timeout: number }
  | { kind: 'dial-emergency'; callerId: string; number: string; timeout: number }
  | { kind: 'ring-group'; callerId?: string; identities: string[]; timeout: number }
  /** Nobody in the ring group is available, or it is outside business hours: straight to what follows an unanswered ring. */
  | { kind: 'nobody-available'; then: AfterDialDecision }
  | { kind: 'refuse'; reason: RefuseReason; message: string };

export type AfterDialDecision =
  | { kind: 'hangup' }
  | { kind: 'reject-busy' }
  | { kind: 'say-and-hangup'; message: string }
  /** The greeting, the beep, then <Record>; the recording comes back to the recording status callback. */
  | { kind: 'voicemail'; greeting: string; maxSeconds: number; silenceSeconds: number };

export type Params = Readonly<Record<string, string | undefined>>;

const REFUSALS: Record<Exclude<RefuseReason, BlockReason>, string> = {
  'unknown-user': 'Sorry, there is no colleague with that name.',
  self: 'You cannot call yourself.',
  'unknown-caller': 'Sorry, this phone is not allowed to place calls.',
  'not-a-team-number': 'Sorry, this number does not take calls.',
  emergency: 'This phone does not place emergency calls. Please hang up and call from another phone.',
};

/** An emergency call rings until the service answers, however short RING_TIMEOUT_SECONDS is. */
const EMERGENCY_TIMEOUT_SECONDS = 120;

const refuse = (reason: Exclude<RefuseReason, BlockReason>): VoiceDecision => ({
  kind: 'refuse',
  reason,
  message: REFUSALS[reason],
});

const CLIENT_PREFIX = 'client:';
/** A colleague is addressed as `client:bob` or just `bob`; phone numbers never start with a letter. */
const LOOKS_LIKE_NAME = /^[A-Za-z]/;

export function decideVoice(params: Params, ctx: VoiceContext): VoiceDecision {
  const from = params.From ?? '';
  const to = (params.To ?? '').trim();

  if (from.startsWith(CLIENT_PREFIX)) {
    const caller = from.slice(CLIENT_PREFIX.length);
    if (!ctx.users.includes(caller)) return refuse('unknown-caller');

    if (to.toLowerCase().startsWith(CLIENT_PREFIX) || LOOKS_LIKE_NAME.test(to)) {
      const name = (to.toLowerCase().startsWith(CLIENT_PREFIX) ? to.slice(CLIENT_PREFIX.length) : to).toLowerCase();
      if (!ctx.users.includes(name)) return refuse('unknown-user');
      if (name === caller) return refuse('self');
      return { kind: 'dial-client', identity: name, timeout: ctx.ringTimeoutSeconds };
    }

    // Before the country allow-list: emergency numbers have no country, and are exempt from it.
    const emergency = emergencyNumberIn(to, ctx.emergencyNumbers ?? emergencyNumbers(ctx.defaultCountry));
    if (emergency !== undefined) {
      if (!ctx.emergencyCalling) return refuse('emergency');
      return { kind: 'dial-emergency', callerId: ctx.teamNumber, number: emergency, timeout: EMERGENCY_TIMEOUT_SECONDS };
    }

    const destination = checkDestination(to, {
      defaultCountry: ctx.defaultCountry,
      allowedCountries: ctx.allowedCountries,
    });
    if (!destination.ok) return { kind: 'refuse', reason: destination.reason, message: destination.message };
    return { kind: 'dial-number', callerId: ctx.teamNumber, number: destination.e164, timeout: ctx.ringTimeoutSeconds };
  }

  if (asE164(to) === ctx.teamNumber) {
    const callerId = asE164(from);
    const vm = ctx.voicemail;
    if (vm?.businessHours && !isOpen(ctx.now ?? new Date(), vm.businessHours)) {
      const afterHours = { ...vm, greeting: vm.afterHoursGreeting ?? vm.greeting };
      return { kind: 'nobody-available', then: decideAfterDial({ DialCallStatus: 'no-answer' }, 'inbound', afterHours) };
    }
    const identities = ctx.ringGroup.filter((name) => ctx.available.has(name));
    if (identities.length === 0) return { kind: 'nobody-available', then: decideAfterDial({ DialCallStatus: 'no-answer' }, 'inbound', ctx.voicemail) };
    return {
      kind: 'ring-group',
      ...(callerId === undefined ? {} : { callerId }),
      identities,
      timeout: ctx.ringTimeoutSeconds,
    };
  }

  return refuse('not-a-team-number');
}

const NO_ONE_AVAILABLE = 'Sorry, no one is available to take your call. Please try again later. Goodbye.';
/** Twilio's default: a caller who stops talking for this long has finished. */
export const VOICEMAIL_SILENCE_SECONDS = 5;

export function parseLeg(raw: string | undefined): DialLeg | undefined {
  return raw === 'number' || raw === 'client' || raw === 'inbound' ? raw : undefined;
}

/**
 * After a <Dial> ends. `completed` means the call was answered and is over; `canceled` means the caller
 * hung up first, so there is nobody left to hear a message.
 *
 * A browser caller is still unanswered here (answerOnBridge), so the reason travels as call signaling
 * and the dialer shows it in words: `<Reject reason="busy">` reaches the Voice SDK as "busy here"
 * (31486), and a plain hangup of a call that never connected reads as "no answer". A spoken message
 * would only be heard by someone who is reading the screen anyway. A caller from the phone network
 * has no screen, so they hear that no one is available, or, with voicemail, the greeting and the beep.
 * Only calls from the phone network to the team number reach voicemail: a colleague's call that goes
 * unanswered, or a browser's call to a number, never does (their leg is 'client' or 'number').
 */
export function decideAfterDial(params: Params, leg: DialLeg, voicemail?: VoicemailSettings): AfterDialDecision {
  const status = params.DialCallStatus ?? '';
  if (status === 'completed' || status === 'answered' || status === 'canceled') return { kind: 'hangup' };
  if (leg === 'inbound') {
    if (voicemail) return { kind: 'voicemail', greeting: voicemail.greeting, maxSeconds: voicemail.maxSeconds, silenceSeconds: VOICEMAIL_SILENCE_SECONDS };
    return { kind: 'say-and-hangup', message: NO_ONE_AVAILABLE };
  }
  return status === 'busy' ? { kind: 'reject-busy' } : { kind: 'hangup' };
}
