/**
 * The conference state machine of one live call (pure): what a request (hold, resume, transfer, complete,
 * cancel, add) or a conference callback (a party joined or left) does to the call, and the Twilio actions
 * that make it so. control.ts runs the actions; nothing here does I/O or reads the clock.
 *
 * A call starts as a plain two-party <Dial>; the first request that needs a conference moves both legs
 * into one (`move`). Who may ask what: only a party still in the call (the route answers 404 otherwise);
 * a request the state does not allow is `wrong_state` (409).
 */
import { RESUME_PARAM, TRANSFER_PARAMS } from '../../contracts/api/call-control';

export type PartyKind = 'user' | 'phone';
/** parked: a user whose own leg left a call on hold (to talk on another) while the call goes on without them. */
export type PartyState = 'ringing' | 'connected' | 'held' | 'parked' | 'left';

export interface Party {
  id: string;
  kind: PartyKind;
  /** The user name, or the number in E.164. */
  name: string;
  /** Its leg; null while a new participant is being dialed and Twilio has not named it yet. */
  callSid: string | null;
  state: PartyState;
}

export interface Transfer {
  mode: 'blind' | 'consult';
  to: string;
  by: string;
  state: 'ringing' | 'consulting';
  /** The party id of the target. */
  target: string;
}

export interface CallState {
  /** The history id. */
  id: string;
  /** The parent leg's CallSid: the history's key. */
  callSid: string;
  /** The conference's friendly name: a server-side id the browser never chooses. */
  room: string;
  /** Both legs were moved into the conference. */
  conference: boolean;
  parties: Party[];
  transfer: Transfer | null;
  /** A user being rung again after a blind transfer nobody took (party id). */
  recall: string | null;
  /** The conference was ended (or its last parties left). */
  over: boolean;
  /** Party ids handed out so far. */
  seq: number;
  /** Counts the changes (control.ts): a replica adopts another's state only when it is newer. */
  version: number;
}

/** Where a transfer or an added person goes, already checked against the dialing rules. */
export interface Target {
  kind: PartyKind;
  /** A user name or an E.164 number. */
  name: string;
}

export type Action =
  /** Redirect the dialed leg into the room; the caller's leg follows through its <Dial> action. */
  | { kind: 'move'; child: string; parent: string }
  | { kind: 'hold'; callSid: string; hold: boolean }
  /** Dial a new participant into the room; its CallSid comes back to `dialed`. */
  | { kind: 'dial'; party: string; to: string; from: string; label: string }
  | { kind: 'remove'; callSid: string }
  | { kind: 'end' }
  /** A transfer handed the call on (`by` transferred it): recorded in the history (transferredTo, answeredBy). */
  | { kind: 'handover'; to: Target; callSid: string; by: string };

export type Outcome = { ok: true; state: CallState; actions: Action[] } | { ok: false; error: 'wrong_state'; message: string };

export type Request =
  | { kind: 'hold' }
  | { kind: 'resume' }
  | { kind: 'transfer'; to: Target; mode: 'blind' | 'consult' }
  | { kind: 'complete' }
  | { kind: 'cancel' }
  | { kind: 'add'; to: Target }
  /** The call is on hold; the user's leg may now leave it (the browser answers another call) without ending it. */
  | { kind: 'park' }
  /** Back to a parked call: its leg still there is simply resumed, or the user's browser is rung back into it. */
  | { kind: 'unpark' }
  /** Hang up on a call the user parked: they leave it; the others go on, or the call ends as any leaving would end it. */
  | { kind: 'hangup' };

export interface PlanContext {
  teamNumber: string;
}

export { TRANSFER_PARAMS };

/** A plain two-party call as the history knows it: its parent leg and the leg that answered. */
export function plainCall(id: string, room: string, caller: Omit<Party, 'id' | 'state'>, callee: Omit<Party, 'id' | 'state'>): CallState {
  return {
    id, callSid: caller.callSid!, room, conference: false, transfer: null, recall: null, over: false, seq: 2, version: 0,
    parties: [{ ...caller, id: 'p1', state: 'connected' }, { ...callee, id: 'p2', state: 'connected' }],
  };
}

const wrong = (message: string): Outcome => ({ ok: false, error: 'wrong_state', message });
const present = (p: Party) => p.state !== 'left';
const active = (p: Party) => p.state === 'connected' || p.state === 'held' || p.state === 'parked';

/** The user's own party in the call (the first one still in it). */
export function partyOf(state: CallState, user: string): Party | undefined {
  return state.parties.find((p) => p.kind === 'user' && p.name === user && present(p));
}

/** Everyone who has been in the call: they all hear about its changes, the ones who left included. */
export function audience(state: CallState): string[] {
  return [...new Set(state.parties.filter((p) => p.kind === 'user').map((p) => p.name))];
}

function update(state: CallState, parties: Party[], more: Partial<CallState> = {}): CallState {
  return { ...state, parties, ...more };
}

function setParty(parties: Party[], id: string, change: Partial<Party>): Party[] {
  return parties.map((p) => (p.id === id ? { ...p, ...change } : p));
}

/** Moves the call into the conference first if it is not there yet. */
function withMove(state: CallState, actions: Action[]): Action[] {
  if (state.conference) return actions;
  const parent = state.callSid;
  const child = state.parties.find((p) => p.callSid !== null && p.callSid !== parent)?.callSid;
  return child ? [{ kind: 'move', child, parent }, ...actions] : actions;
}

function dialTo(target: Target, params: Record<string, string>): string {
  if (target.kind === 'phone') return target.name;
  const query = new URLSearchParams(params).toString();
  return `client:${target.name}${query ? `?${query}` : ''}`;
}

/** A browser shows who is calling from `From`: the outside caller's number when there is one. */
function fromFor(state: CallState, target: Target, ctx: PlanContext): string {
  if (target.kind === 'phone') return ctx.teamNumber;
  const phone = state.parties.find((p) => p.kind === 'phone' && present(p));
  return phone ? phone.name : ctx.teamNumber;
}

function newParty(state: CallState, target: Target): Party {
  return { id: `p${state.seq + 1}`, kind: target.kind, name: target.name, callSid: null, state: 'ringing' };
}

export function plan(state: CallState, user: string, request: Request, ctx: PlanContext): Outcome {
  if (state.over) return wrong('The call is over.');
  const me = partyOf(state, user);
  if (!me) return wrong('You are not in this call.');
  const others = state.parties.filter((p) => p.id !== me.id && present(p));
  const busy = state.transfer !== null || state.recall !== null;

  switch (request.kind) {
    case 'hold': {
      if (busy || me.state !== 'connected') return wrong('A transfer is under way, or you are not talking.');
      const talking = others.filter((p) => p.state === 'connected');
      if (talking.length === 0) return wrong('Nobody to hold: the call is already on hold.');
      let parties = state.parties;
      for (const p of talking) parties = setParty(parties, p.id, { state: 'held' });
      const actions = talking.map((p): Action => ({ kind: 'hold', callSid: p.callSid!, hold: true }));
      return { ok: true, state: update(state, parties, { conference: true }), actions: withMove(state, actions) };
    }
    case 'resume': {
      if (busy) return wrong('A transfer is under way: complete or cancel it.');
      const held = others.filter((p) => p.state === 'held');
      if (held.length === 0) return wrong('The call is not on hold.');
      let parties = state.parties;
      for (const p of held) parties = setParty(parties, p.id, { state: 'connected' });
      return { ok: true, state: update(state, parties), actions: held.map((p) => ({ kind: 'hold', callSid: p.callSid!, hold: false })) };
    }
    case 'transfer':
    case 'add': {
      if (busy || me.state !== 'connected') return wrong('A transfer is under way, or you are not talking.');
      const to = request.to;
      if (to.kind === 'user' && to.name === user) return wrong('You cannot transfer a call to yourself or add yourself.');
      if (state.parties.some((p) => present(p) && p.kind === to.kind && p.name === to.name)) return wrong(`${to.name} is already in the call.`);
      const target = newParty(state, to);
      let parties = [...state.parties, target];
      const actions: Action[] = [];
      if (request.kind === 'transfer') {
        const caller = others.map((p) => p.name).join(', ');
        const params = { [TRANSFER_PARAMS.by]: user, [TRANSFER_PARAMS.caller]: caller, [TRANSFER_PARAMS.mode]: request.mode };
        for (const p of others.filter((o) => o.state === 'connected')) {
          parties = setParty(parties, p.id, { state: 'held' });
          actions.push({ kind: 'hold', callSid: p.callSid!, hold: true });
        }
        actions.push({ kind: 'dial', party: target.id, to: dialTo(to, params), from: fromFor(state, to, ctx), label: target.id });
        // Transfer now: the user's leg ends at once; the call comes back to them if nobody answers.
        if (request.mode === 'blind') {
          parties = setParty(parties, me.id, { state: 'left' });
          actions.push({ kind: 'remove', callSid: me.callSid! });
        }
        const transfer: Transfer = { mode: request.mode, to: to.name, by: user, state: 'ringing', target: target.id };
        return { ok: true, state: update(state, parties, { conference: true, transfer, seq: state.seq + 1 }), actions: withMove(state, actions) };
      }
      actions.push({ kind: 'dial', party: target.id, to: dialTo(to, {}), from: fromFor(state, to, ctx), label: target.id });
      return { ok: true, state: update(state, parties, { conference: true, seq: state.seq + 1 }), actions: withMove(state, actions) };
    }
    case 'park': {
      if (busy || me.state !== 'connected') return wrong('A transfer is under way, or you are not talking.');
      if (others.length === 0 || others.some((p) => p.state !== 'held')) return wrong('Hold the call before leaving it for another.');
      return { ok: true, state: update(state, setParty(state.parties, me.id, { state: 'parked' })), actions: [] };
    }
    case 'unpark': {
      if (busy) return wrong('The call is already ringing you back.');
      if (me.state !== 'parked') return wrong('The call is not parked.');
      if (me.callSid !== null) {
        // The leg never left (no other call was answered): taking the others off hold is all it takes.
        const back = unholdAll(setParty(state.parties, me.id, { state: 'connected' }));
        return { ok: true, state: update(state, back.parties), actions: back.actions };
      }
      const ringBack = newParty(state, { kind: 'user', name: user });
      const to = dialTo({ kind: 'user', name: user }, { [RESUME_PARAM]: state.id });
      const actions: Action[] = [{ kind: 'dial', party: ringBack.id, to, from: fromFor(state, { kind: 'user', name: user }, ctx), label: ringBack.id }];
      return { ok: true, state: update(state, [...state.parties, ringBack], { recall: ringBack.id, seq: state.seq + 1 }), actions };
    }
    case 'hangup': {
      if (me.state !== 'parked') return wrong('Only a parked call is hung up here; hang up on the call itself.');
      if (state.recall) return wrong('The call is ringing you back: answer or decline it.');
      // As if a talking user left: the parked place is not a leg, so the rules of leaving decide.
      const out = leftParty(state, { ...me, state: 'held' }, ctx);
      const actions: Action[] = me.callSid ? [{ kind: 'remove', callSid: me.callSid }] : [];
      if (out.state.over) return { ok: true, state: out.state, actions: [...actions, ...out.actions] };
      // Whoever is left (a colleague with the caller) talk to each other, not to hold music.
      const back = unholdAll(out.state.parties);
      return { ok: true, state: update(out.state, back.parties), actions: [...actions, ...out.actions, ...back.actions] };
    }
    case 'complete': {
      const t = state.transfer;
      if (!t || t.mode !== 'consult' || t.state !== 'consulting' || t.by !== user) return wrong('No consulted transfer of yours to complete.');
      let parties = setParty(state.parties, me.id, { state: 'left' });
      const actions: Action[] = [];
      for (const p of others.filter((o) => o.state === 'held')) {
        parties = setParty(parties, p.id, { state: 'connected' });
        actions.push({ kind: 'hold', callSid: p.callSid!, hold: false });
      }
      actions.push({ kind: 'remove', callSid: me.callSid! });
      actions.push(...handover(state.parties.find((p) => p.id === t.target)!, t.by));
      return { ok: true, state: update(state, parties, { transfer: null }), actions };
    }
    case 'cancel': {
      const t = state.transfer;
      if (!t || t.mode !== 'consult' || t.by !== user) return wrong('No transfer of yours to cancel.');
      const target = state.parties.find((p) => p.id === t.target)!;
      let parties = setParty(state.parties, target.id, { state: 'left' });
      const actions: Action[] = target.callSid ? [{ kind: 'remove', callSid: target.callSid }] : [];
      for (const p of others.filter((o) => o.state === 'held')) {
        parties = setParty(parties, p.id, { state: 'connected' });
        actions.push({ kind: 'hold', callSid: p.callSid!, hold: false });
      }
      return { ok: true, state: update(state, parties, { transfer: null }), actions };
    }
  }
}

/** Twilio named the leg of a participant it is dialing. */
export function dialed(state: CallState, party: string, callSid: string): CallState {
  return update(state, setParty(state.parties, party, { callSid }));
}

const handover = (party: Party, by: string): Action[] => [{ kind: 'handover', to: { kind: party.kind, name: party.name }, callSid: party.callSid!, by }];

/** Takes the held parties off hold. */
function unholdAll(parties: Party[]): { parties: Party[]; actions: Action[] } {
  const actions: Action[] = [];
  let out = parties;
  for (const p of parties.filter((x) => x.state === 'held')) {
    out = setParty(out, p.id, { state: 'connected' });
    actions.push({ kind: 'hold', callSid: p.callSid!, hold: false });
  }
  return { parties: out, actions };
}

/** A participant's leg is in the room (participant-join). */
export function joined(state: CallState, callSid: string): { state: CallState; actions: Action[] } {
  const party = state.parties.find((p) => p.callSid === callSid);
  if (!party || party.state !== 'ringing' || state.over) return { state, actions: [] };
  let parties = setParty(state.parties, party.id, { state: 'connected' });
  const t = state.transfer;
  if (t && t.target === party.id) {
    if (t.mode === 'consult') return { state: update(state, parties, { transfer: { ...t, state: 'consulting' } }), actions: [] };
    const back = unholdAll(parties);
    return { state: update(state, back.parties, { transfer: null }), actions: [...back.actions, ...handover(party, t.by)] };
  }
  if (state.recall === party.id) {
    // A user rung back into a call they parked is back in it: the parked place is theirs no more.
    for (const p of parties.filter((x) => x.state === 'parked' && x.kind === 'user' && x.name === party.name)) parties = setParty(parties, p.id, { state: 'left' });
    const back = unholdAll(parties);
    return { state: update(state, back.parties, { recall: null }), actions: back.actions };
  }
  return { state: update(state, parties), actions: [] };
}

/**
 * A participant's leg left the room or never got there (hung up, removed, not answered). A target who
 * did not take a blind transfer makes the call ring its first user again; a consult target who did not
 * answer or left returns the user to the caller. The call ends for everyone when fewer than two people
 * are left with nobody ringing, or when the last team member hangs up on outside callers.
 */
export function left(state: CallState, callSid: string, ctx: PlanContext): { state: CallState; actions: Action[] } {
  return leftParty(state, state.parties.find((p) => p.callSid === callSid), ctx);
}

/** Twilio would not dial a participant: as if it rang out. */
export function notDialed(state: CallState, partyId: string, ctx: PlanContext): { state: CallState; actions: Action[] } {
  return leftParty(state, state.parties.find((p) => p.id === partyId), ctx);
}

function leftParty(state: CallState, party: Party | undefined, ctx: PlanContext): { state: CallState; actions: Action[] } {
  if (!party || party.state === 'left' || state.over) return { state, actions: [] };
  // A parked user's leg leaving is what parking is for: the call goes on, with nobody's leg to list.
  if (party.state === 'parked') return { state: party.callSid === null ? state : update(state, setParty(state.parties, party.id, { callSid: null })), actions: [] };
  const wasRinging = party.state === 'ringing';
  let parties = setParty(state.parties, party.id, { state: 'left' });
  let next: CallState = update(state, parties);
  const actions: Action[] = [];
  const t = state.transfer;
  if (t && t.target === party.id) {
    if (t.mode === 'blind' && wasRinging) {
      const recall = newParty(next, { kind: 'user', name: t.by });
      const params = { [TRANSFER_PARAMS.recall]: t.to, [TRANSFER_PARAMS.caller]: state.parties.filter((p) => active(p)).map((p) => p.name).join(', ') };
      parties = [...parties, recall];
      actions.push({ kind: 'dial', party: recall.id, to: dialTo({ kind: 'user', name: t.by }, params), from: fromFor(next, { kind: 'user', name: t.by }, ctx), label: recall.id });
      return { state: update(next, parties, { transfer: null, recall: recall.id, seq: next.seq + 1 }), actions };
    }
    const back = unholdAll(parties);
    next = update(next, back.parties, { transfer: null });
    actions.push(...back.actions);
  }
  if (state.recall === party.id) next = { ...next, recall: null };
  const remaining = next.parties.filter(present);
  const talking = remaining.filter(active);
  const ringing = remaining.filter((p) => p.state === 'ringing');
  const noUserLeft = party.kind === 'user' && !wasRinging && !remaining.some((p) => p.kind === 'user');
  if (talking.length === 0 || (talking.length === 1 && ringing.length === 0) || noUserLeft) {
    const ended = next.parties.map((p) => (present(p) ? { ...p, state: 'left' as const } : p));
    return { state: update(next, ended, { over: true, transfer: null, recall: null }), actions: next.conference ? [{ kind: 'end' }] : [] };
  }
  return { state: next, actions };
}

/** The conference ended (or the plain call's legs hung up): everyone has left. */
export function ended(state: CallState): CallState {
  return update(state, state.parties.map((p) => ({ ...p, state: 'left' as const })), { over: true, transfer: null, recall: null });
}
