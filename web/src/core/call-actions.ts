import type { Api } from './api';
import type { CallSession } from './call-session';
import { controlFrom, liveCallOf, type LiveCall } from './call-control';
import type { LogStore } from './log';
import { messageOf } from './reasons';
import type { CallInfo, PhoneEvent, PhoneState } from './state';
import type { TransferRequest } from '../../../contracts/api';

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
  constructor(private readonly host: CallActionsHost) {}

  /** A LiveCall from the server (event or answer): applied to the call of ours it names, if any. */
  apply(live: LiveCall): void {
    for (const session of this.host.sessions()) {
      if (liveCallOf([live], session.callSid)) this.host.dispatch({ type: 'control', id: session.id, control: controlFrom(live, this.host.me()) });
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
   * Call waiting's answer: the call in progress ends and the waiting one is answered. The Voice SDK
   * keeps one active call per Device and hangs up the active one when another is accepted, so holding
   * the first call while talking on the second needs the server to park it (not built yet).
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

  /** The headset's Flash button: hold or resume the call in focus. */
  holdOrResume(): Promise<string | null> {
    return this.host.phone().call?.control?.held ? this.resume() : this.hold();
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
