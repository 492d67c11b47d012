import type { Api } from './api';
import type { CallSession } from './call-session';
import type { CallLike } from './types';
import { controlFrom, liveCallOf, type LiveCall } from './call-control';
import type { LogStore } from './log';
import { messageOf } from './reasons';
import type { CallInfo, PhoneEvent, PhoneState } from './state';
import type { RESUME_PARAM, TransferRequest } from '../../../contracts/api';

/** The contract's name, checked by type only, so no schema code reaches the bundle. */
const RESUME: typeof RESUME_PARAM = 'resumeCall';

/** What call control needs from the phone around it (controller.ts). */
export interface CallActionsHost {
  readonly api: Api;
  readonly log: LogStore;
  /** The signed-in user's identity, to tell them apart from the other parties. */
  me(): string;
  phone(): PhoneState;
  sessions(): Iterable<CallSession>;
  dispatch(event: PhoneEvent): void;
  /** Answers the waiting call (after the one in focus went on hold). */
  acceptWaiting(session: CallSession): Promise<void>;
  session(id: string): CallSession | undefined;
}

/**
 * Hold, resume, transfer, add a person, and moving between two calls: each is a request to our server,
 * which drives the call's conference, and each answer (or `live-call` event) is the call as it now is.
 * The server knows a call by its history id; this tab knows it by the SDK's CallSid, and learns which
 * is which from `legs` (GET /api/calls/live, or any LiveCall it is sent). Every action resolves to a
 * sentence for the person when it failed, or null.
 */
export class CallActions {
  /** The history id of the parked call this tab asked the server to ring it back into. */
  private ringBackFor: string | null = null;

  constructor(private readonly host: CallActionsHost) {}

  /** A LiveCall from the server (event or answer): applied to the call of ours it names, if any. */
  apply(live: LiveCall): void {
    for (const session of this.host.sessions()) {
      if (liveCallOf([live], session.callSid)) this.host.dispatch({ type: 'control', id: session.id, control: controlFrom(live, this.host.me()) });
    }
    // A parked call has no SDK call here: it is known by its history id.
    const { call, background } = this.host.phone();
    for (const parked of [call, background]) {
      if (!parked?.parked || parked.control?.historyId !== live.id) continue;
      this.host.dispatch(live.ended ? { type: 'parkedOver', id: parked.id } : { type: 'control', id: parked.id, control: controlFrom(live, this.host.me()) });
    }
  }

  /** Learns the history ids (and parties) of this tab's calls; after a call connects, and when one is missing. */
  async refresh(): Promise<void> {
    try {
      const { items } = await this.host.api.liveCalls();
      items.forEach((live) => this.apply(live));
    } catch (error) {
      this.host.log.add(`Could not load the live calls: ${messageOf(error)}`);
    }
  }

  hold = (): Promise<string | null> => this.onFocused('Holding the call', (api, id) => api.holdCall(id));
  resume = (): Promise<string | null> => this.onFocused('Resuming the call', (api, id) => api.resumeCall(id));
  transfer = (to: string, mode: TransferRequest['mode']): Promise<string | null> =>
    this.onFocused(`Transferring the call to ${to} (${mode})`, (api, id) => api.transferCall(id, to, mode));
  completeTransfer = (): Promise<string | null> => this.onFocused('Completing the transfer', (api, id) => api.completeTransfer(id));
  cancelTransfer = (): Promise<string | null> => this.onFocused('Cancelling the transfer', (api, id) => api.cancelTransfer(id));
  addPerson = (to: string): Promise<string | null> => this.onFocused(`Adding ${to} to the call`, (api, id) => api.addParty(id, to));

  /**
   * Call waiting's other answer: the call in progress ends and the waiting one is answered (no request
   * to the server, so it works for a call the server cannot hold).
   */
  endAndAccept(): void {
    const { call, waiting } = this.host.phone();
    const session = waiting && this.host.session(waiting.id);
    const current = call && this.host.session(call.id);
    if (!session) return;
    this.host.log.add('Ending the call to answer the waiting one');
    current?.hangUp();
    void this.host.acceptWaiting(session);
  }

  /**
   * Call waiting's Hold & accept: the call in focus is held and parked at the server (so the SDK hanging
   * up its leg when the waiting call is accepted does not end it), then the waiting call is answered.
   */
  async holdAndAccept(): Promise<string | null> {
    const { call, waiting } = this.host.phone();
    const session = waiting && this.host.session(waiting.id);
    if (!call || !session) return null;
    const failed = await this.park(call);
    if (failed) return failed;
    void this.host.acceptWaiting(session);
    return null;
  }

  /** Swap: the call in focus is held and parked, and the server rings this tab back into the parked one. */
  async swap(): Promise<string | null> {
    const { call, background } = this.host.phone();
    if (!call || call.parked || !background?.parked) return null;
    const failed = await this.park(call);
    return failed ?? this.ringBack();
  }

  /** Back to the parked call in focus (after the other call ended): the server rings this tab back into it. */
  resumeParked = (): Promise<string | null> => this.ringBack();

  /**
   * An incoming call: the ring-back this tab asked for is answered at once (its SDK call takes the parked
   * call's place); answers false for any other call. The SDK hangs up the call in progress, already parked.
   */
  ringBackArrived(call: CallLike, open: () => CallSession): boolean {
    const id = call.customParameters?.get(RESUME);
    const { call: focus } = this.host.phone();
    if (!id || id !== this.ringBackFor || !focus?.parked || focus.control?.historyId !== id) return false;
    this.ringBackFor = null;
    const session = open();
    this.host.log.add('Back to the parked call');
    this.host.dispatch({ type: 'rekey', from: focus.id, to: session.id });
    session.attach(call);
    void this.host.acceptWaiting(session);
    return true;
  }

  private async park(call: CallInfo): Promise<string | null> {
    if (!call.control?.held) {
      const failed = await this.act(call, 'Holding the call', (api, id) => api.holdCall(id));
      if (failed) return failed;
    }
    const failed = await this.act(call, 'Parking the call', (api, id) => api.parkCall(id));
    if (!failed) this.host.dispatch({ type: 'park', id: call.id });
    return failed;
  }

  private async ringBack(): Promise<string | null> {
    const { call } = this.host.phone();
    const historyId = call?.parked ? call.control?.historyId : undefined;
    if (!call || !historyId) return null;
    this.ringBackFor = historyId;
    const failed = await this.act(call, 'Ringing back into the parked call', (api, id) => api.unparkCall(id));
    if (failed) this.ringBackFor = null;
    return failed;
  }

  /** Hang up on the parked call in focus: it has no SDK call here, so the server takes this person out of it. */
  hangUpParked(): Promise<string | null> {
    const { call } = this.host.phone();
    if (!call?.parked) return Promise.resolve(null);
    return this.act(call, 'Hanging up the parked call', (api, id) => api.hangUpParked(id));
  }

  /** The headset's Flash button: hold or resume the call in focus, or swap to the parked one. */
  holdOrResume(): Promise<string | null> {
    const { call, background } = this.host.phone();
    if (background?.parked && call && !call.parked) return this.swap();
    return call?.control?.held ? this.resume() : this.hold();
  }

  /** Turns the waiting call down; the call in progress goes on as it was. */
  declineWaiting(): void {
    const { waiting } = this.host.phone();
    const session = waiting && this.host.session(waiting.id);
    if (!session) return;
    this.host.log.add('Declining the waiting call');
    session.reject();
  }

  private onFocused(what: string, request: (api: Api, historyId: string) => Promise<LiveCall>): Promise<string | null> {
    const { call } = this.host.phone();
    return call ? this.act(call, what, request) : Promise.resolve(null);
  }

  private async act(call: CallInfo, what: string, request: (api: Api, historyId: string) => Promise<LiveCall>): Promise<string | null> {
    const { log } = this.host;
    log.add(what);
    let historyId = call.control?.historyId;
    if (!historyId) {
      await this.refresh();
      historyId = this.find(call.id)?.control?.historyId;
    }
    if (!historyId) {
      log.add(`${what} failed: the server does not know this call`);
      return 'The server does not know this call yet. Try again in a moment.';
    }
    try {
      this.apply(await request(this.host.api, historyId));
      return null;
    } catch (error) {
      log.add(`${what} failed: ${messageOf(error)}`);
      return messageOf(error);
    }
  }

  private find(id: string): CallInfo | null {
    const phone = this.host.phone();
    return [phone.call, phone.waiting, phone.background].find((c) => c?.id === id) ?? null;
  }
}
