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
}

export interface Problem {
  reason: Reason;
  detail?: string;
}

export interface PhoneState {
  status: Status;
  registration: Registration;
  /** The one call. A second simultaneous call turns this into a list plus the id in focus (controller.ts). */
  call: CallInfo | null;
  /** The last failure worth telling the person about (cleared by the next action). */
  problem: Problem | null;
}

export type PhoneEvent =
  | { type: 'signInStarted' }
  | { type: 'registering' }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'fatal'; problem: Problem }
  | { type: 'retry' }
  | { type: 'incoming'; id: string; peer: string }
  | { type: 'dial'; id: string; peer: string }
  | { type: 'ringing'; id: string }
  | { type: 'accepted'; id: string; at: number }
  | { type: 'reconnecting'; id: string }
  | { type: 'reconnected'; id: string }
  | { type: 'ended'; id: string; problem?: Problem | null }
  | { type: 'muted'; id: string; muted: boolean }
  | { type: 'warning'; id: string; name: string }
  | { type: 'warningCleared'; id: string; name: string }
  | { type: 'dismissProblem' }
  | { type: 'signedOut'; problem?: Problem | null };

export const initialState: PhoneState = {
  status: 'signedOut',
  registration: 'unregistered',
  call: null,
  problem: null,
};

const CALL_STATES: ReadonlySet<Status> = new Set(['incoming', 'dialing', 'ringing', 'inCall', 'reconnecting']);

export function isInCallState(status: Status): boolean {
  return CALL_STATES.has(status);
}

function idle(registration: Registration): Status {
  return registration === 'registered' ? 'ready' : 'registering';
}

function withCall(state: PhoneState, id: string, patch: (call: CallInfo) => Partial<PhoneState>): PhoneState {
  if (!state.call || state.call.id !== id) return state;
  return { ...state, ...patch(state.call) };
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
    case 'incoming':
      if (status !== 'ready') return state;
      return { ...state, status: 'incoming', problem: null, call: newCall(event.id, 'incoming', event.peer) };
    case 'dial':
      if (status !== 'ready') return state;
      return { ...state, status: 'dialing', problem: null, call: newCall(event.id, 'outgoing', event.peer) };
    case 'ringing':
      if (status !== 'dialing') return state;
      return withCall(state, event.id, () => ({ status: 'ringing' }));
    case 'accepted':
      if (status !== 'dialing' && status !== 'ringing' && status !== 'incoming') return state;
      return withCall(state, event.id, (call) => ({ status: 'inCall', call: { ...call, startedAt: event.at } }));
    case 'reconnecting':
      if (status !== 'inCall') return state;
      return withCall(state, event.id, () => ({ status: 'reconnecting' }));
    case 'reconnected':
      if (status !== 'reconnecting') return state;
      return withCall(state, event.id, () => ({ status: 'inCall' }));
    case 'ended':
      if (!isInCallState(status)) return state;
      return withCall(state, event.id, () => ({
        status: idle(state.registration),
        call: null,
        problem: event.problem ?? null,
      }));
    case 'muted':
      return withCall(state, event.id, (call) => ({ call: { ...call, muted: event.muted } }));
    case 'warning':
      return withCall(state, event.id, (call) =>
        call.warnings.includes(event.name) ? {} : { call: { ...call, warnings: [...call.warnings, event.name] } },
      );
    case 'warningCleared':
      return withCall(state, event.id, (call) => ({
        call: { ...call, warnings: call.warnings.filter((w) => w !== event.name) },
      }));
    case 'dismissProblem':
      return state.problem && status !== 'error' ? { ...state, problem: null } : state;
    case 'signedOut':
      return { ...initialState, problem: event.problem ?? null };
  }
}

function newCall(id: string, direction: CallInfo['direction'], peer: string): CallInfo {
  return { id, direction, peer, startedAt: null, muted: false, warnings: [] };
}
