import type { LiveCall, Party, TransferRequest } from '../../../../contracts/api';
import { ApiError } from '../api';

/**
 * The server's call control in memory, for the core's tests: live calls the test puts in, changed by
 * the requests the way the server answers them (who is held, who rings, who left).
 */
export class FakeCallControl {
  calls: LiveCall[] = [];
  /** Every request, in order: `hold h1`, `transfer h1 bob blind`, … */
  requests: string[] = [];
  /** Makes the next requests fail with this. */
  error: unknown = null;
  /** While set, requests wait for it (to act while one is in flight). */
  gate: Promise<void> | null = null;

  constructor(private readonly me: () => string) {}

  /** A two-party call between the signed-in user (leg `callSid`) and `peer`. */
  addCall(id: string, callSid: string, peer: string): LiveCall {
    const kind = peer.startsWith('+') ? 'phone' : 'user';
    const call: LiveCall = {
      id,
      conference: false,
      legs: [callSid],
      parties: [
        { id: `${id}-me`, kind: 'user', name: this.me(), state: 'connected' },
        { id: `${id}-1`, kind, name: peer, state: 'connected' },
      ],
      transfer: null,
      ended: false,
    };
    this.calls.push(call);
    return call;
  }

  list() {
    return { items: this.calls.map((c) => structuredClone(c)) };
  }

  async act(id: string, request: string, change: (call: LiveCall, me: string) => void): Promise<LiveCall> {
    const [verb, ...rest] = request.split(' ');
    this.requests.push([verb, id, ...rest].join(' '));
    await this.gate;
    if (this.error) throw this.error;
    const call = this.calls.find((c) => c.id === id);
    if (!call) throw new ApiError('No live call with this id that you are in.', 404, 'not_found');
    change(call, this.me());
    call.conference = true;
    return structuredClone(call);
  }

  static others(call: LiveCall, me: string): Party[] {
    return call.parties.filter((p) => !(p.kind === 'user' && p.name === me) && p.state !== 'left');
  }

  static setOthers(state: Party['state']) {
    return (call: LiveCall, me: string) => FakeCallControl.others(call, me).forEach((p) => (p.state = state));
  }

  static transfer(to: string, mode: TransferRequest['mode']) {
    return (call: LiveCall, me: string) => {
      if (call.transfer) throw new ApiError('A transfer is already under way.', 409, 'wrong_state');
      call.transfer = { mode, to, by: me, state: 'ringing' };
      call.parties.push({ id: `${call.id}-${call.parties.length}`, kind: to.startsWith('+') ? 'phone' : 'user', name: to, state: 'ringing' });
    };
  }

  static add(to: string) {
    return (call: LiveCall) => {
      call.parties.push({ id: `${call.id}-${call.parties.length}`, kind: to.startsWith('+') ? 'phone' : 'user', name: to, state: 'ringing' });
    };
  }
}
