/**
 * Call control on this replica: runs plan.ts's decisions against Twilio (ConferenceApi) and announces each
 * change to the users in the call. Requests and callbacks of one call take turns (one queue per call), so
 * the state a decision starts from is the one the last decision left.
 *
 * A call is found by its history id: before its first hold, transfer or add it is a plain two-party call
 * read from the history (so any replica can act on it); from then on its conference state is kept in
 * memory, and every change goes out in the live-call event, whose copy of the state every replica adopts,
 * and which a replica that restarted reads back from the outbox (docs/call-control.md says what that
 * does and does not cover).
 */
import { randomBytes } from 'node:crypto';
import type { LiveCall } from '../../contracts/api/call-control';
import type { HubEvent, HubObserver } from '../events/hub';
import { audience, dialed, ended, joined, left, notDialed, partyOf, plainCall, plan } from './plan';
import type { Action, CallState, PlanContext, Request } from './plan';
import type { LiveCallStore, PlainCall } from './repository';
import { TwilioRefusedError } from './twilio-conferences';
import type { ConferenceApi } from './twilio-conferences';
import { liveCallFor, liveCallsByUser } from './view';

export interface ControlLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CallControlDeps {
  api: ConferenceApi;
  store: LiveCallStore;
  teamNumber: string;
  /** Seconds a transfer target or an added person rings. */
  ringSeconds: number;
  /** The TwiML that puts a leg in a room. */
  joinTwiml(room: string): string;
  log: ControlLog;
}

export type ControlResult =
  | { ok: true; liveCall: LiveCall }
  | { ok: false; status: 404 | 409 | 502; code: 'not_found' | 'wrong_state' | 'twilio_refused'; message: string };

const ROOM_PREFIX = 'call-';
const NOT_FOUND = { ok: false, status: 404, code: 'not_found', message: 'No live call with this id that you are in.' } as const;
/** How long a finished call's state is kept, so late callbacks and repeated requests find it. */
const KEEP_ENDED_MS = 60_000;

export class CallControl implements HubObserver {
  private readonly calls = new Map<string, CallState>();
  private readonly rooms = new Map<string, string>();
  /** Parent legs whose <Dial> action must put them in a room (the call is being moved). */
  private readonly joining = new Map<string, string>();
  private readonly conferenceSids = new Map<string, string>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly ctx: PlanContext;

  constructor(private readonly deps: CallControlDeps) {
    this.ctx = { teamNumber: deps.teamNumber };
  }

  /** One at a time per call. */
  private turn<T>(id: string, run: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve();
    const next = before.then(run, run);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  /**
   * The room a parent leg's <Dial> action must join, while its call is being moved (by this replica, or by
   * another one whose state came in as an event).
   */
  roomForParent(parentSid: string): string | undefined {
    const here = this.joining.get(parentSid);
    if (here !== undefined) return here;
    for (const state of this.calls.values()) if (state.callSid === parentSid && state.conference && !state.over) return state.room;
    return undefined;
  }

  /** Another replica's change to a call (its live-call event carries the whole state): adopted when newer. */
  event(event: HubEvent): void {
    if (event.type === 'call') return this.historyChanged(event.payload.call);
    if (event.type !== 'live-call') return;
    const state = event.payload.state as CallState | undefined;
    if (!state || typeof state.id !== 'string' || typeof state.version !== 'number') return;
    const known = this.calls.get(state.id);
    if (known && known.version >= state.version) return;
    this.adopt(state);
  }

  /**
   * The history closed a call this replica still has live: its conference ended while the callback that
   * says so was lost, and healing found it ended at Twilio (history/heal-conferences.ts).
   */
  private historyChanged(call: unknown): void {
    const { id, endedAt } = (call ?? {}) as { id?: unknown; endedAt?: unknown };
    if (typeof id !== 'string' || typeof endedAt !== 'string') return;
    const state = this.calls.get(id);
    if (!state?.conference || state.over) return;
    this.apply(id, (s) => (s.over ? { state: s, actions: [] } : { state: ended(s), actions: [] })).catch((err: unknown) => {
      this.deps.log.warn({ event: 'live-call-end-failed', call: id, reason: (err as Error).message }, 'could not announce the end of a call');
    });
  }

  async resync(): Promise<void> {
    // Live calls are short; a missed change shows up with the call's next one.
  }

  private fromPlain(call: PlainCall): CallState {
    return plainCall(call.id, `${ROOM_PREFIX}${randomBytes(12).toString('hex')}`, call.caller, call.callee);
  }

  /** A moved call's state from the store, adopted unless this replica knows a newer one. */
  private async stored(by: { id: string } | { room: string }): Promise<CallState | undefined> {
    const state = await this.deps.store.movedCall(by);
    if (!state) return undefined;
    const known = this.calls.get(state.id);
    if (!known || known.version < state.version) this.adopt(state);
    return this.calls.get(state.id);
  }

  private async load(id: string): Promise<CallState | undefined> {
    const known = this.calls.get(id) ?? (await this.stored({ id }));
    if (known) return known;
    const call = await this.deps.store.plainCall(id);
    return call ? this.fromPlain(call) : undefined;
  }

  async request(user: string, id: string, request: Request): Promise<ControlResult> {
    return this.turn(id, async () => {
      const state = await this.load(id);
      if (!state || !partyOf(state, user)) return NOT_FOUND;
      const out = plan(state, user, request, this.ctx);
      if (!out.ok) return { ok: false, status: 409, code: 'wrong_state', message: out.message };
      this.remember(out.state);
      this.deps.log.info({ event: 'call-control', call: id, user, request: request.kind, actions: out.actions.map((a) => a.kind) }, 'call control');
      // Before the move: a replica that receives the caller's <Dial> action must know where it goes.
      if (out.actions.some((a) => a.kind === 'move')) await this.announce(this.calls.get(id)!);
      try {
        await this.run(out.state.id, out.actions);
      } catch (err) {
        if (!(err instanceof TwilioRefusedError)) throw err;
        this.deps.log.warn({ event: 'call-control-refused', call: id, request: request.kind, reason: err.message }, 'Twilio refused a call control step');
        await this.announce(this.calls.get(id)!);
        return { ok: false, status: 502, code: 'twilio_refused', message: err.message };
      }
      const now = this.calls.get(id)!;
      await this.announce(now);
      return { ok: true, liveCall: liveCallFor(now, user) };
    });
  }

  private remember(next: CallState): void {
    this.adopt({ ...next, version: Math.max(next.version, this.calls.get(next.id)?.version ?? 0) + 1 });
  }

  private adopt(state: CallState): void {
    this.calls.set(state.id, state);
    this.rooms.set(state.room, state.id);
    if (state.over) {
      setTimeout(() => {
        if (this.calls.get(state.id) === state) {
          this.calls.delete(state.id);
          this.rooms.delete(state.room);
          this.conferenceSids.delete(state.room);
        }
      }, KEEP_ENDED_MS).unref();
    }
  }

  private async conferenceSid(room: string): Promise<string> {
    const known = this.conferenceSids.get(room);
    if (known) return known;
    const sid = await this.deps.api.seated(room, []);
    this.conferenceSids.set(room, sid);
    return sid;
  }

  private async run(id: string, actions: readonly Action[]): Promise<void> {
    for (const action of actions) {
      const state = this.calls.get(id)!;
      const room = state.room;
      switch (action.kind) {
        case 'move':
          this.joining.set(action.parent, room);
          try {
            await this.deps.api.redirect(action.child, this.deps.joinTwiml(room));
            this.conferenceSids.set(room, await this.deps.api.seated(room, [action.child, action.parent]));
          } finally {
            this.joining.delete(action.parent);
          }
          break;
        case 'hold':
          await this.deps.api.hold(await this.conferenceSid(room), action.callSid, action.hold);
          break;
        case 'dial': {
          let callSid: string;
          try {
            callSid = await this.deps.api.dialIn(room, { to: action.to, from: action.from, label: action.label, timeout: this.deps.ringSeconds });
          } catch (err) {
            // Nobody rings: the call goes on as if they had not answered (a blind transfer comes back, a consult resumes).
            const out = notDialed(this.calls.get(id)!, action.party, this.ctx);
            this.remember(out.state);
            await this.run(id, out.actions).catch(() => undefined);
            throw err;
          }
          this.remember(dialed(this.calls.get(id)!, action.party, callSid));
          break;
        }
        case 'remove':
          await this.deps.api.remove(await this.conferenceSid(room), action.callSid);
          break;
        case 'handover':
          await this.deps.store.recordHandover(state.callSid, action.to, action.callSid, action.by);
          break;
        case 'end':
          await this.deps.api.end(await this.conferenceSid(room)).catch((err: unknown) => {
            this.deps.log.warn({ event: 'conference-end-failed', room, reason: (err as Error).message }, 'could not end a conference');
          });
          break;
      }
    }
  }

  private async announce(state: CallState): Promise<void> {
    await this.deps.store.publish(liveCallsByUser(state, audience(state)), state);
  }

  /** The call in a room; one this replica never saw (it restarted since the move) is looked up. */
  private async roomCall(room: string): Promise<string | undefined> {
    return this.rooms.get(room) ?? (room.startsWith(ROOM_PREFIX) ? (await this.stored({ room }))?.id : undefined);
  }

  /** A conference status callback; resolves once its change is announced (committed). */
  async conferenceEvent(params: Readonly<Record<string, string | undefined>>): Promise<void> {
    const room = params.FriendlyName ?? '';
    const id = await this.roomCall(room);
    if (id === undefined) return;
    if (params.ConferenceSid && !this.conferenceSids.has(room)) this.conferenceSids.set(room, params.ConferenceSid);
    const event = params.StatusCallbackEvent ?? '';
    const callSid = params.CallSid ?? '';
    // In its turn, so a participant being dialed has its CallSid (and its name) by the time its join is kept.
    if (event === 'participant-join') await this.apply(id, (s) => joined(s, callSid), params);
    else if (event === 'participant-leave') await this.apply(id, (s) => left(s, callSid, this.ctx), params);
    else if (event === 'conference-end') await this.apply(id, (s) => ({ state: ended(s), actions: [] }), params);
  }

  /** Stores the callback in the call's history (who took part, when it ended) before it is acknowledged. */
  private async keep(state: CallState, params: Readonly<Record<string, string | undefined>>): Promise<void> {
    const party = state.parties.find((p) => p.callSid !== null && p.callSid === params.CallSid);
    const name = party === undefined ? '' : party.kind === 'user' ? `client:${party.name}` : party.name;
    await this.deps.store.recordConference(state.callSid, params, name);
  }

  /** A dialed participant's call ended, answered or not. */
  async legEnded(room: string, callSid: string): Promise<void> {
    const id = await this.roomCall(room);
    if (id !== undefined) await this.apply(id, (s) => left(s, callSid, this.ctx));
  }

  private apply(id: string, step: (s: CallState) => { state: CallState; actions: Action[] }, callback?: Readonly<Record<string, string | undefined>>): Promise<void> {
    return this.turn(id, async () => {
      const before = this.calls.get(id);
      if (!before) return;
      if (callback) await this.keep(before, callback);
      const out = step(before);
      if (out.state === before) return;
      this.remember(out.state);
      try {
        await this.run(id, out.actions);
      } catch (err) {
        if (!(err instanceof TwilioRefusedError)) throw err;
        this.deps.log.warn({ event: 'call-control-refused', call: id, reason: err.message }, 'Twilio refused a call control step');
      }
      await this.announce(this.calls.get(id)!);
    });
  }

  /** The calls the user is in now: moved ones from memory, plain ones from the history. */
  async live(user: string): Promise<LiveCall[]> {
    const out = new Map<string, LiveCall>();
    for (const state of this.calls.values()) if (!state.over && partyOf(state, user)) out.set(state.id, liveCallFor(state, user));
    for (const call of await this.deps.store.openCallsOf(user)) {
      if (out.has(call.id)) continue;
      const state = this.calls.get(call.id) ?? (await this.stored({ id: call.id })) ?? this.fromPlain(call);
      if (state.over) continue;
      if (partyOf(state, user)) out.set(call.id, liveCallFor(state, user));
    }
    return [...out.values()];
  }
}
