/**
 * <Dial>: child calls, simultaneous ringing of every target (each registration of a client is a
 * fork of one child call), first answer wins, then the two parties are joined until one hangs up.
 * The decisions come from the pure race in ../twiml/interpreter; this module does the messaging.
 */
import type { MediaLeg } from '../media/types';
import type { SimulatedPhone } from '../phones';
import type { SignalingSession } from '../signaling/session';
import type { InviteParameters } from '../signaling/protocol';
import { raceStep, startRace, type RaceEvent, type RaceState, type VerbOutcome } from '../twiml/interpreter';
import type { DialTarget, DialVerb } from '../twiml/verbs';
import { Call, type CallStatus, type Endpoint } from './call';
import type { CallEngine } from './engine';
import { API_VERSION } from './params';

type ForkInfo =
  | { id: string; child: Call; kind: 'client'; session: SignalingSession; leg: MediaLeg; offer: string; params: Record<string, string> }
  | { id: string; child: Call; kind: 'phone'; phone: SimulatedPhone };

export interface RingResult {
  status: 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  winner?: ForkInfo;
}

export class Ringer {
  private state: RaceState = { forks: [], result: null };
  private readonly forks = new Map<string, ForkInfo>();
  private timer: NodeJS.Timeout | null = null;
  private resolve!: (r: RingResult) => void;
  private readonly done = new Promise<RingResult>((r) => { this.resolve = r; });

  constructor(
    private readonly engine: CallEngine,
    private readonly children: Call[],
    private readonly timeoutMs: number,
    private readonly targets: (DialTarget | undefined)[],
  ) {}

  run(): Promise<RingResult> {
    const list: ForkInfo[] = [];
    this.children.forEach((child, i) => {
      const ep = child.endpoint;
      if (ep.kind === 'client') {
        const sessions = this.engine.reachableSessions(ep.identity);
        if (!sessions.length) child.log('error', `client:${ep.identity} has no registered device`);
        const target = this.targets[i];
        const params = target?.kind === 'client' ? target.params : {};
        sessions.forEach((session, n) => {
          const leg = this.engine.newLeg(child, sessions.length > 1 ? `~${n + 1}` : '');
          list.push({ id: `${session.id}|${child.sid}`, child, kind: 'client', session, leg, offer: '', params });
        });
      } else {
        list.push({ id: `phone:${ep.number}|${child.sid}`, child, kind: 'phone', phone: this.engine.phoneFor(ep.number) });
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
      if (list.some((f) => f.child === child)) this.engine.setStatus(child, 'ringing');
    }
    for (const f of list) {
      if (f.kind === 'client') this.inviteClient(f);
      else this.ringPhone(f);
    }
    return this.done;
  }

  private inviteClient(f: Extract<ForkInfo, { kind: 'client' }>): void {
    this.engine.forks.set(f.id, this);
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
      this.engine.forks.delete(id);
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
        this.engine.forks.delete(winner.id);
        child.endpoint = { kind: 'client', identity: winner.session.identity ?? '', session: winner.session, sdkCallId: null } satisfies Endpoint;
        child.media = winner.leg;
        child.localSdp = winner.offer;
        child.sdkKnowsSid = true;
      } else {
        winner.phone.state = 'in-call';
        winner.phone.ring = null;
        const behaviour = winner.phone.spec.behaviour;
        if (behaviour.kind === 'answer' && behaviour.hangupAfter && !winner.phone.consoleLeg) {
          const t = setTimeout(() => void this.engine.hangupCall(child, 'completed', `${winner.phone.spec.name} hung up`), behaviour.hangupAfter);
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

function childStatus(result: RingResult['status']): CallStatus {
  return result === 'answered' ? 'completed' : result;
}

export async function runDial(engine: CallEngine, parent: Call, verb: DialVerb, signal: AbortSignal, documentUrl?: string): Promise<VerbOutcome> {
  const children: Call[] = [];
  const targets: DialTarget[] = [];
  for (const t of verb.targets) {
    if (t.kind === 'number' && parent.from.startsWith('client:') && !verb.callerId) {
      parent.log('error', `13214 Dial: a call from ${parent.from} to ${t.number} needs a callerId`);
      continue;
    }
    const endpoint: Endpoint = t.kind === 'number'
      ? { kind: 'phone', number: t.number }
      : { kind: 'client', identity: t.identity, session: null, sdkCallId: null };
    const to = t.kind === 'number' ? t.number : `client:${t.identity}`;
    const child = new Call(engine.accountSid, verb.callerId ?? parent.from, to, 'outbound-dial', endpoint, parent.sid);
    if (t.statusCallback) child.statusCallback = { ...t.statusCallback, url: engine.resolveUrl(t.statusCallback.url, documentUrl) };
    if (t.url) parent.log('error', `<${t.kind === 'number' ? 'Number' : 'Client'} url> (whisper) is not supported by the emulator; ignored`);
    engine.addCall(child);
    child.log('info', `dialed by ${parent.sid} (${parent.from})`);
    engine.setStatus(child, 'initiated');
    children.push(child);
    targets.push(t);
  }
  if (!children.length) return { verb: 'Dial', dialCallStatus: 'failed', callerHungUp: false };

  engine.ringbackFor(parent);
  if (verb.answerOnBridge) void engine.sendRinging(parent);
  const ringer = new Ringer(engine, children, verb.timeout * 1000, targets);
  const onAbort = (): void => ringer.event({ kind: 'caller-hangup' });
  signal.addEventListener('abort', onAbort, { once: true });
  const result = await ringer.run();
  signal.removeEventListener('abort', onAbort);
  if (!parent.isOver) parent.media?.stopPlayback();

  if (result.status !== 'answered' || !result.winner) {
    for (const c of children) {
      if (!c.isOver) await engine.hangupCall(c, childStatus(result.status), `dial ${result.status}`);
    }
    parent.log('verb', `Dial result: ${result.status}`);
    return {
      verb: 'Dial', dialCallStatus: result.status,
      ...(children.length === 1 ? { dialCallSid: children[0]!.sid } : {}),
      callerHungUp: parent.isOver,
    };
  }

  const child = result.winner.child;
  for (const c of children) {
    if (c !== child && !c.isOver) await engine.hangupCall(c, 'canceled', 'another target answered');
  }
  engine.markAnswered(child);
  if (!parent.answeredAt) await engine.answerCall(parent);
  if (parent.isOver) {
    await engine.hangupCall(child, 'completed', 'caller hung up');
    return { verb: 'Dial', dialCallStatus: 'completed', dialCallSid: child.sid, dialCallDuration: 0, callerHungUp: true };
  }
  engine.connectPeers(parent, child);
  parent.log('verb', `Dial answered by ${child.to} (${child.sid})`);
  const target = targets[children.indexOf(child)];
  if (target?.kind === 'number' && target.sendDigits) void engine.sendDigitsTo(child, target.sendDigits);

  const onStar = (digit: string): void => {
    if (digit === '*') void engine.hangupCall(child, 'completed', 'hangupOnStar');
  };
  if (verb.hangupOnStar) parent.digitListeners.add(onStar);
  const limit = setTimeout(() => void engine.hangupCall(child, 'completed', 'Dial timeLimit reached'), verb.timeLimit * 1000);
  const aborted = new Promise<void>((r) => {
    if (signal.aborted) r();
    signal.addEventListener('abort', () => r(), { once: true });
  });
  await Promise.race([child.ended, parent.ended, aborted]);
  clearTimeout(limit);
  parent.digitListeners.delete(onStar);
  if (!child.isOver) await engine.hangupCall(child, 'completed', parent.isOver ? 'caller hung up' : 'dial ended');
  return {
    verb: 'Dial', dialCallStatus: 'completed', dialCallSid: child.sid,
    dialCallDuration: child.durationSeconds ?? 0, callerHungUp: parent.isOver,
  };
}
