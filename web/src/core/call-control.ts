/**
 * Call control as this tab sees it: what the server says about a call (GET /api/calls/live, the
 * `live-call` event, every hold/transfer/add reply) turned into what the in-call dialog shows. Pure
 * functions, so the rules are tested as tables (call-control.test.ts).
 */
import type { LiveCall, Party, TRANSFER_PARAMS, TransferState } from '../../../contracts/api';

export type { LiveCall, Party, TransferState };

export interface CallControl {
  /** The call's history id, which every call-control request names it by. */
  historyId: string;
  parties: Party[];
  transfer: TransferState | null;
  /** This person put the others on hold: they hear hold music and are not heard. */
  held: boolean;
  /** Someone else in the call put this person on hold. */
  onHold: boolean;
}

/** Whether a party is the signed-in user (their own browser legs). */
export function isMe(party: Party, me: string): boolean {
  return party.kind === 'user' && party.name === me;
}

export function controlFrom(live: LiveCall, me: string): CallControl {
  const mine = live.parties.find((p) => isMe(p, me));
  const others = live.parties.filter((p) => !isMe(p, me) && p.state !== 'left');
  const onHold = mine?.state === 'held';
  // A consult transfer holds the caller too, but that is the transfer's doing, shown as such.
  const held = !onHold && live.transfer === null && others.length > 0 && others.every((p) => p.state === 'held');
  return { historyId: live.id, parties: live.parties, transfer: live.transfer, held, onHold };
}

/** The parties the dialog lists: everyone still in the call but this person. */
export function otherParties(control: CallControl | null, me: string): Party[] {
  return control ? control.parties.filter((p) => !isMe(p, me) && p.state !== 'left') : [];
}

/** The live call that one of this tab's SDK calls belongs to, by its CallSid. */
export function liveCallOf(calls: readonly LiveCall[], callSid: string): LiveCall | undefined {
  return callSid ? calls.find((c) => c.legs.includes(callSid)) : undefined;
}

/** Why a call rings here, when a transfer is the reason: from the invite's custom parameters (TRANSFER_PARAMS). */
export interface TransferOffer {
  /** The person being handed over: a number or a user name (several, comma-separated, for a call that comes back). */
  caller: string;
  /** The colleague transferring them to this person. */
  by: string | null;
  /** A transfer this person started that nobody answered: the call comes back to them from this target. */
  recalledFrom: string | null;
}

/** The contract's names, checked against it by type only, so no schema code reaches the bundle. */
const PARAM = { by: 'transferredBy', caller: 'transferredCaller', mode: 'transferMode', recall: 'recalledFrom' } as const satisfies typeof TRANSFER_PARAMS;

export function transferOffer(params: ReadonlyMap<string, string> | undefined): TransferOffer | null {
  const caller = params?.get(PARAM.caller);
  const by = params?.get(PARAM.by) || null;
  const recalledFrom = params?.get(PARAM.recall) || null;
  return caller && (by || recalledFrom) ? { caller, by, recalledFrom } : null;
}
