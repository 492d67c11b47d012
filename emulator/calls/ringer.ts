/**
 * Rings the callees of a <Dial> (or of a REST call) at once: every registration of a client is a
 * fork of its child call, a phone rings as it behaves; the first answer wins and the rest are
 * cancelled. The decisions come from the pure race in ../twiml/interpreter; this module does the
 * messaging.
 */
import type { MediaLeg } from '../media/types';
import type { PhoneNetwork } from '../phones/network';
import type { SimulatedPhone } from '../phones/phone';
import type { SignalingSession } from '../signaling/session';
import type { SessionRegistry } from '../signaling/sessions';
import type { InviteParameters } from '../signaling/protocol';
import { raceStep, startRace, type RaceEvent, type RaceState } from '../twiml/interpreter';
import type { DialTarget } from '../twiml/verbs';
import type { Call, Endpoint } from './call';
import { forkId, type ForkOwner, type RingingForks } from './forks';
import type { Legs } from './legs';
import { API_VERSION } from './params';

/** What ringing needs from the rest of the emulator. */
export interface RingerDeps {
  legs: Pick<Legs, 'newLeg' | 'setStatus' | 'hangupCall'>;
  sessions: Pick<SessionRegistry, 'reachable'>;
  phones: Pick<PhoneNetwork, 'phoneFor'>;
  forks: RingingForks;
}

type ForkInfo =
  | { id: string; child: Call; kind: 'client'; session: SignalingSession; leg: MediaLeg; offer: string; params: Record<string, string> }
  | { id: string; child: Call; kind: 'phone'; phone: SimulatedPhone };

export interface RingResult {
  status: 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  winner?: ForkInfo;
}

export class Ringer implements ForkOwner {
  private state: RaceState = { forks: [], result: null };
  private readonly forks = new Map<string, ForkInfo>();
  private timer: NodeJS.Timeout | null = null;
  private resolve!: (r: RingResult) => void;
  private readonly done = new Promise<RingResult>((r) => { this.resolve = r; });

  constructor(
    private readonly deps: RingerDeps,
    private readonly children: Call[],
    private readonly timeoutMs: number,
    private readonly targets: (DialTarget | undefined)[],
  ) {}

  run(): Promise<RingResult> {
    const list: ForkInfo[] = [];
    this.children.forEach((child, i) => {
      const ep = child.endpoint;
      if (ep.kind === 'client') {
        const sessions = this.deps.sessions.reachable(ep.identity);
        if (!sessions.length) child.log('error', `client:${ep.identity} has no registered device`);
        const target = this.targets[i];
        const params = target?.kind === 'client' ? target.params : {};
        sessions.forEach((session, n) => {
          const leg = this.deps.legs.newLeg(child, sessions.length > 1 ? `~${n + 1}` : '');
          list.push({ id: forkId(session.id, child.sid), child, kind: 'client', session, leg, offer: '', params });
        });
      } else {
        list.push({ id: `phone:${ep.number}|${child.sid}`, child, kind: 'phone', phone: this.deps.phones.phoneFor(ep.number) });
      }
    });
    for (const f of list) this.forks.set(f.id, f);
    this.state = startRace(list.map((f) => ({ id: f.id, child: f.child.sid })));
    if (this.state.result) {
      this.resolve({ status: this.state.result.status });
      return this.done;
    }
    this.timer = setTimeout(() => this.event({ kind: 'timeout' }), this.timeoutMs);
    for (const child of this.children) {
      if (list.some((f) => f.child === child)) this.deps.legs.setStatus(child, 'ringing');
    }
    for (const f of list) {
      if (f.kind === 'client') this.inviteClient(f);
      else this.ringPhone(f);
    }
    return this.done;
  }

  private inviteClient(f: Extract<ForkInfo, { kind: 'client' }>): void {
    this.deps.forks.set(f.id, this);
    f.leg.createOffer().then((offer) => {
      if (!this.isRinging(f.id)) return;
      f.offer = offer;
      const parameters: InviteParameters = {
        CallSid: f.child.sid, AccountSid: f.child.accountSid, From: f.child.from, To: f.child.to, ApiVersion: API_VERSION,
      };
      if (Object.keys(f.params).length) parameters.Params = new URLSearchParams(f.params).toString();
      f.session.send({ type: 'invite', payload: { callsid: f.child.sid, sdp: offer, parameters, reconnect: f.child.reconnectToken } });
      f.child.log('signaling', `invite sent to ${f.session.identity} (${f.session.id.slice(0, 10)})`);
    }, (e: Error) => {
      f.child.log('error', `could not create an offer: ${e.message}`);
      this.event({ kind: 'fail', fork: f.id });
    });
  }

  private ringPhone(f: Extract<ForkInfo, { kind: 'phone' }>): void {
    const { phone, child } = f;
    const behaviour = phone.spec.behaviour;
    if (phone.state !== 'idle') {
      child.log('info', `${phone.spec.name} is on another call: busy`);
      queueMicrotask(() => this.event({ kind: 'busy', child: child.sid }));
      return;
    }
    if (behaviour.kind === 'busy' && !phone.consoleLeg) {
      child.log('info', `${phone.spec.name} is busy`);
      queueMicrotask(() => this.event({ kind: 'busy', child: child.sid }));
      return;
    }
    phone.startCall(child.sid, 'ringing');
    const handle = {
      answer: () => this.event({ kind: 'answer', fork: f.id }),
      reject: () => this.event({ kind: 'reject', fork: f.id }),
    };
    phone.ring = handle;
    child.log('info', `${phone.spec.name} rings`);
    if (!phone.answersManually && behaviour.kind === 'answer') {
      setTimeout(() => {
        if (phone.ring === handle) handle.answer();
      }, behaviour.after ?? 800);
    }
  }

  private isRinging(id: string): boolean {
    return this.state.forks.some((f) => f.id === id && f.state === 'ringing');
  }

  async sdkAnswered(id: string, sdp: string): Promise<void> {
    const f = this.forks.get(id);
    if (!f || f.kind !== 'client') return;
    try {
      await f.leg.applyAnswer(sdp);
    } catch (e) {
      f.child.log('error', `answer SDP refused: ${(e as Error).message}`);
      this.event({ kind: 'fail', fork: id });
      return;
    }
    f.child.log('signaling', `answered by ${f.session.identity} (${f.session.id.slice(0, 10)})`);
    this.event({ kind: 'answer', fork: id });
  }

  event(e: RaceEvent): void {
    const before = this.state;
    const step = raceStep(before, e);
    this.state = step.state;
    for (const f of step.cancel) this.release(f.id, 'cancel');
    for (const f of step.hangup) this.release(f.id, 'hangup');
    // Forks that refused (reject, failure) let go of their resources too.
    for (const f of this.state.forks) {
      const was = before.forks.find((b) => b.id === f.id);
      if (was?.state === 'ringing' && (f.state === 'rejected' || f.state === 'failed')) this.release(f.id, 'none');
    }
    if (!before.result && this.state.result) this.finish(this.state.result);
  }

  private release(id: string, notify: 'cancel' | 'hangup' | 'none'): void {
    const f = this.forks.get(id);
    if (!f) return;
    if (f.kind === 'client') {
      this.deps.forks.delete(id);
      if (notify !== 'none') f.session.send({ type: notify, payload: { callsid: f.child.sid } });
      void f.leg.close().catch(() => undefined);
    } else if (f.phone.callSid === f.child.sid) {
      f.phone.endCall();
    }
  }

  private finish(result: NonNullable<RaceState['result']>): void {
    if (this.timer) clearTimeout(this.timer);
    const winnerId = result.winner?.id;
    const winner = winnerId ? this.forks.get(winnerId) : undefined;
    if (winner) {
      const child = winner.child;
      if (winner.kind === 'client') {
        this.deps.forks.delete(winner.id);
        child.endpoint = { kind: 'client', identity: winner.session.identity ?? '', session: winner.session, sdkCallId: null } satisfies Endpoint;
        child.media = winner.leg;
        child.localSdp = winner.offer;
        child.sdkKnowsSid = true;
      } else {
        winner.phone.state = 'in-call';
        winner.phone.ring = null;
        const behaviour = winner.phone.spec.behaviour;
        if (behaviour.kind === 'answer' && behaviour.hangupAfter && !winner.phone.consoleLeg) {
          const t = setTimeout(() => void this.deps.legs.hangupCall(child, 'completed', `${winner.phone.spec.name} hung up`), behaviour.hangupAfter);
          void child.ended.then(() => clearTimeout(t));
        }
        if (winner.phone.consoleLeg) {
          child.media = winner.phone.consoleLeg;
          child.ownsMedia = false;
        }
      }
    }
    this.resolve({ status: result.status, ...(winner ? { winner } : {}) });
  }
}
