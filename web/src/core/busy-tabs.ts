/**
 * Busy is per person, not per tab: every tab keeps its own registered Device, so a second call rings
 * in all of them. The tab that holds a call shows it as call waiting (a banner); the others must not
 * pop a full incoming-call dialog, or ring, over a call the person is already on. Which tabs hold a
 * call travels between them through tab-calls.ts; these are the decisions, pure.
 */
import type { PhoneState, Status } from './state';

/** The channel topic of tab-calls.ts for the phone's own use. */
export const CALLS_TOPIC = 'calls';

const HOLDING: ReadonlySet<Status> = new Set(['dialing', 'ringing', 'inCall', 'reconnecting']);

/** This tab is on a call: placing one, talking, or keeping one parked while the next one rings. */
export function holdsCall(state: PhoneState): boolean {
  return HOLDING.has(state.status) || Boolean(state.background) || Boolean(state.call?.parked);
}

/**
 * Whether this tab alerts the person to a new call (ringtone, desktop notification). The tab holding
 * a call does (its banner is the alert; the SDK keeps the ringtone quiet during a call); any other
 * tab stays quiet while one does; otherwise only the leader, as ever.
 */
export function alertsHere(tab: { leader: boolean; holdsCall: boolean; busyElsewhere: boolean }): boolean {
  if (tab.holdsCall) return true;
  if (tab.busyElsewhere) return false;
  return tab.leader;
}
