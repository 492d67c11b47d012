import type { CallControl, TransferOffer } from './call-control';
import type { Reason } from './reasons';

export type Status =
  | 'signedOut'
  | 'registering'
  | 'ready'
  | 'incoming'
  | 'dialing'
  | 'ringing'
  | 'inCall'
  | 'reconnecting'
  | 'error';

export type Registration = 'unregistered' | 'registering' | 'registered';

export interface CallInfo {
  /** Local id: stable from the moment a call starts, before the SDK knows its CallSid. */
  id: string;
  direction: 'incoming' | 'outgoing';
  /** Who is on the other end as the SDK names it: `+12025550123` or `client:bob`. */
  peer: string;
  startedAt: number | null;
  muted: boolean;
  warnings: string[];
  /** Hold, parties and transfer as the server last said (call-control.ts); null until it has. */
  control: CallControl | null;
  /** A colleague is handing this ringing call over (from the invite). */
  offer: TransferOffer | null;
  /**
   * The server keeps this call on hold without this tab's leg (parked, to talk on another): no SDK call
   * stands for it until the server rings this tab back into it.
   */
  parked: boolean;
}

export interface Problem {
  reason: Reason;
  detail?: string;
}

export interface PhoneState {
  status: Status;
  registration: Registration;
  /** The call in focus: the one `status` describes and the dialogs show. */
  call: CallInfo | null;
  /** Call waiting: a second call ringing while `call` is in progress (a banner, not a dialog). */
  waiting: CallInfo | null;
  /** The other answered call, held by this person while they talk on `call` (Swap exchanges the two). */
  background: CallInfo | null;
  /** The last failure worth telling the person about (cleared by the next action). */
  problem: Problem | null;
  /**
   * Another tab of this person holds a call (busy-tabs.ts): a new call here waits quietly in `waiting`
   * while status stays `ready`, so this tab shows no dialog over the call the person is on.
   */
  busyElsewhere?: boolean;
}

export type PhoneEvent =
  | { type: 'signInStarted' }
  | { type: 'registering' }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'fatal'; problem: Problem }
  | { type: 'retry' }
  | { type: 'incoming'; id: string; peer: string; offer?: TransferOffer | null }
  | { type: 'dial'; id: string; peer: string }
  | { type: 'ringing'; id: string }
  | { type: 'accepted'; id: string; at: number }
  | { type: 'reconnecting'; id: string }
  | { type: 'reconnected'; id: string }
  | { type: 'ended'; id: string; problem?: Problem | null }
  | { type: 'muted'; id: string; muted: boolean }
  | { type: 'warning'; id: string; name: string }
  | { type: 'warningCleared'; id: string; name: string }
  | { type: 'control'; id: string; control: CallControl }
  | { type: 'swap' }
  /** The call in focus was parked: the waiting call takes its place (Hold & accept), or the parked one does (Swap). */
  | { type: 'park'; id: string }
  /** The server rang this tab back into the parked call in focus: the SDK call `to` now stands for it. */
  | { type: 'rekey'; from: string; to: string }
  /** A parked call ended on the server (its caller hung up). */
  | { type: 'parkedOver'; id: string }
  | { type: 'busyElsewhere'; busy: boolean }
  | { type: 'dismissProblem' }
  | { type: 'signedOut'; problem?: Problem | null };

export const initialState: PhoneState = {
  status: 'signedOut',
  registration: 'unregistered',
  call: null,
  waiting: null,
  background: null,
  problem: null,
  busyElsewhere: false,
};

const CALL_STATES: ReadonlySet<Status> = new Set(['incoming', 'dialing', 'ringing', 'inCall', 'reconnecting']);

export function isInCallState(status: Status): boolean {
  return CALL_STATES.has(status);
}

/**
 * Where a new incoming call goes: in focus (the incoming-call dialog), waiting (the call-waiting banner
 * in the tab with the call, or a quiet hint in a tab while another tab holds one), or nowhere (busy:
 * one call waiting at a time, none while a second call is held, none while dialing).
 */
export function incomingPlace(state: PhoneState): 'focus' | 'waiting' | 'busy' {
  const { status, waiting, background } = state;
  if (waiting) return 'busy';
  if (status === 'ready') return state.busyElsewhere ? 'waiting' : 'focus';
  return (status === 'inCall' || status === 'reconnecting') && !background ? 'waiting' : 'busy';
}

function idle(registration: Registration): Status {
  return registration === 'registered' ? 'ready' : 'registering';
}

function withCall(state: PhoneState, id: string, patch: (call: CallInfo) => Partial<PhoneState>): PhoneState {
  if (!state.call || state.call.id !== id) return state;
  return { ...state, ...patch(state.call) };
}

const SLOTS = ['call', 'waiting', 'background'] as const;

/** Changes one call wherever it is (in focus, waiting or in the background); status stays. */
function patchCall(state: PhoneState, id: string, patch: (call: CallInfo) => CallInfo): PhoneState {
  for (const slot of SLOTS) {
    const call = state[slot];
    if (call?.id === id) {
      const next = patch(call);
      return next === call ? state : { ...state, [slot]: next };
    }
  }
  return state;
}

/** A call ended: the one in focus gives way to the held one, or to the one waiting (which then rings). */
function endCall(state: PhoneState, id: string, problem: Problem | null): PhoneState {
  // A parked call's own SDK leg ending is the parking itself; the call goes on at the server.
  if ([state.call, state.background].some((c) => c?.id === id && c.parked)) return state;
  return dropCall(state, id, problem);
}

function dropCall(state: PhoneState, id: string, problem: Problem | null): PhoneState {
  if (state.waiting?.id === id) return { ...state, waiting: null };
  if (state.background?.id === id) return { ...state, background: null };
  if (state.call?.id !== id) return state;
  if (state.background) return { ...state, status: 'inCall', call: state.background, background: null, problem };
  if (state.waiting) return { ...state, status: 'incoming', call: state.waiting, waiting: null, problem };
  return { ...state, status: idle(state.registration), call: null, problem };
}

/** The phone's state machine: every (state, event) pair not listed leaves the state unchanged. */
export function reduce(state: PhoneState, event: PhoneEvent): PhoneState {
  const { status } = state;
  switch (event.type) {
    case 'signInStarted':
      return status === 'signedOut' || status === 'error'
        ? { ...initialState, status: 'registering', registration: 'unregistered' }
        : state;
    case 'registering':
      if (status === 'signedOut') return state;
      return { ...state, registration: 'registering', status: status === 'ready' ? 'registering' : status };
    case 'registered':
      if (status === 'signedOut') return state;
      return {
        ...state,
        registration: 'registered',
        status: status === 'registering' || status === 'error' ? 'ready' : status,
        problem: status === 'error' ? null : state.problem,
      };
    case 'unregistered':
      if (status === 'signedOut') return state;
      return { ...state, registration: 'unregistered', status: status === 'ready' ? 'registering' : status };
    case 'fatal':
      if (status === 'signedOut') return state;
      // A call in progress outlives a registration failure; the problem is shown alongside it.
      if (isInCallState(status)) return { ...state, problem: event.problem };
      return { ...state, status: 'error', problem: event.problem };
    case 'retry':
      return status === 'error' ? { ...state, status: 'registering', problem: null } : state;
    case 'incoming': {
      const call = { ...newCall(event.id, 'incoming', event.peer), offer: event.offer ?? null };
      const place = incomingPlace(state);
      if (place === 'focus') return { ...state, status: 'incoming', problem: null, call };
      return place === 'waiting' ? { ...state, waiting: call } : state;
    }
    case 'dial':
      if (status !== 'ready') return state;
      return { ...state, status: 'dialing', problem: null, call: newCall(event.id, 'outgoing', event.peer) };
    case 'ringing':
      if (status !== 'dialing') return state;
      return withCall(state, event.id, () => ({ status: 'ringing' }));
    case 'accepted':
      if (state.waiting?.id === event.id && state.call) {
        // Hold & accept: the call in focus went on hold first; the waiting one takes its place.
        return { ...state, status: 'inCall', background: state.call, call: { ...state.waiting, startedAt: event.at }, waiting: null };
      }
      if (status !== 'dialing' && status !== 'ringing' && status !== 'incoming') return state;
      return withCall(state, event.id, (call) => ({ status: 'inCall', call: { ...call, startedAt: event.at } }));
    case 'reconnecting':
      if (status !== 'inCall') return state;
      return withCall(state, event.id, () => ({ status: 'reconnecting' }));
    case 'reconnected':
      if (status !== 'reconnecting') return state;
      return withCall(state, event.id, () => ({ status: 'inCall' }));
    case 'ended':
      if (!isInCallState(status) && state.waiting?.id !== event.id) return state;
      return endCall(state, event.id, event.problem ?? null);
    case 'muted':
      return patchCall(state, event.id, (call) => ({ ...call, muted: event.muted }));
    case 'warning':
      return patchCall(state, event.id, (call) => (call.warnings.includes(event.name) ? call : { ...call, warnings: [...call.warnings, event.name] }));
    case 'warningCleared':
      return patchCall(state, event.id, (call) => ({ ...call, warnings: call.warnings.filter((w) => w !== event.name) }));
    case 'control':
      return patchCall(state, event.id, (call) => ({ ...call, control: event.control }));
    case 'swap':
      if (status !== 'inCall' || !state.call || !state.background) return state;
      return { ...state, call: state.background, background: state.call };
    case 'park': {
      const { call, waiting, background } = state;
      if (status !== 'inCall' || call?.id !== event.id || call.parked) return state;
      const parked = { ...call, parked: true };
      if (background?.parked) return { ...state, call: background, background: parked };
      if (waiting && !background) return { ...state, status: 'incoming', call: waiting, waiting: null, background: parked };
      return state;
    }
    case 'rekey':
      return state.call?.id === event.from && state.call.parked ? { ...state, call: { ...state.call, id: event.to, parked: false } } : state;
    case 'parkedOver':
      return [state.call, state.background].some((c) => c?.id === event.id && c.parked) ? dropCall(state, event.id, null) : state;
    case 'busyElsewhere': {
      if (event.busy === Boolean(state.busyElsewhere)) return state;
      const next = { ...state, busyElsewhere: event.busy };
      // The other tab's call ended while a call still rings: it rings here as any call does now.
      if (!event.busy && status === 'ready' && state.waiting) return { ...next, status: 'incoming', call: state.waiting, waiting: null };
      // The person took a call in another tab while this one rang here: it waits quietly instead.
      if (event.busy && status === 'incoming' && state.call && !state.background) {
        return { ...next, status: idle(state.registration), call: null, waiting: state.call };
      }
      return next;
    }
    case 'dismissProblem':
      return state.problem && status !== 'error' ? { ...state, problem: null } : state;
    case 'signedOut':
      return { ...initialState, problem: event.problem ?? null };
  }
}

function newCall(id: string, direction: CallInfo['direction'], peer: string): CallInfo {
  return { id, direction, peer, startedAt: null, muted: false, warnings: [], control: null, offer: null, parked: false };
}
