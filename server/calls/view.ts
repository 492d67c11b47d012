/** A call's state as one signed-in user sees it (contracts/api/call-control.ts LiveCall), pure. */
import type { LiveCall } from '../../contracts/api/call-control';
import type { CallState } from './plan';

export function liveCallFor(state: CallState, user: string): LiveCall {
  const mine = state.parties.filter((p) => p.kind === 'user' && p.name === user);
  const t = state.transfer;
  return {
    id: state.id,
    conference: state.conference,
    legs: mine.filter((p) => p.state !== 'left' && p.callSid !== null).map((p) => p.callSid!),
    parties: state.parties.map((p) => ({ id: p.id, kind: p.kind, name: p.name, state: p.state })),
    transfer: t ? { mode: t.mode, to: t.to, by: t.by, state: t.state } : null,
    ended: state.over || mine.every((p) => p.state === 'left'),
  };
}

/** The event payload: one LiveCall per user in the audience (each sees their own legs and end). */
export function liveCallsByUser(state: CallState, users: readonly string[]): Record<string, LiveCall> {
  return Object.fromEntries(users.map((u) => [u, liveCallFor(state, u)]));
}
