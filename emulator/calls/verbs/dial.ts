/**
 * <Dial>: a child call per target, all rung at once by the Ringer; the first answer wins, then the
 * two parties are joined until one hangs up (or hangupOnStar, timeLimit, a redirect).
 */
import type { VerbOutcome } from '../../twiml/interpreter';
import type { DialTarget, DialVerb } from '../../twiml/verbs';
import { Call, type CallStatus, type Endpoint } from '../call';
import type { Legs } from '../legs';
import { Ringer, type RingerDeps, type RingResult } from '../ringer';
import type { CallStore } from '../store';
import type { WebhookClient } from '../webhook';

/** What <Dial> needs from the rest of the emulator. */
export interface DialDeps extends RingerDeps {
  accountSid: string;
  calls: Pick<CallStore, 'add'>;
  webhooks: Pick<WebhookClient, 'resolveUrl'>;
  legs: Pick<Legs, 'newLeg' | 'setStatus' | 'hangupCall' | 'markAnswered' | 'answerCall' | 'sendRinging' | 'connectPeers' | 'ringbackFor' | 'sendDigitsTo' | 'unbridge'>;
}

function childStatus(result: RingResult['status']): CallStatus {
  return result === 'answered' ? 'completed' : result;
}

export async function dialVerb(deps: DialDeps, parent: Call, verb: DialVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
  parent.log('verb', `Dial ${verb.targets.map((t) => (t.kind === 'number' ? t.number : `client:${t.identity}`)).join(', ')}${verb.answerOnBridge ? ' (answerOnBridge)' : ''}`);
  const { legs } = deps;
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
    const child = new Call(deps.accountSid, verb.callerId ?? parent.from, to, 'outbound-dial', endpoint, parent.sid);
    if (t.statusCallback) child.statusCallback = { ...t.statusCallback, url: deps.webhooks.resolveUrl(t.statusCallback.url, documentUrl) };
    if (t.url) parent.log('error', `<${t.kind === 'number' ? 'Number' : 'Client'} url> (whisper) is not supported by the emulator; ignored`);
    deps.calls.add(child);
    child.log('info', `dialed by ${parent.sid} (${parent.from})`);
    legs.setStatus(child, 'initiated');
    children.push(child);
    targets.push(t);
  }
  if (!children.length) return { verb: 'Dial', dialCallStatus: 'failed', callerHungUp: false };

  legs.ringbackFor(parent);
  if (verb.answerOnBridge) void legs.sendRinging(parent);
  const ringer = new Ringer(deps, children, verb.timeout * 1000, targets);
  const onAbort = (): void => ringer.event({ kind: 'caller-hangup' });
  signal.addEventListener('abort', onAbort, { once: true });
  const result = await ringer.run();
  signal.removeEventListener('abort', onAbort);
  if (!parent.isOver) parent.media?.stopPlayback();

  if (result.status !== 'answered' || !result.winner) {
    for (const c of children) {
      if (!c.isOver) await legs.hangupCall(c, childStatus(result.status), `dial ${result.status}`);
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
    if (c !== child && !c.isOver) await legs.hangupCall(c, 'canceled', 'another target answered');
  }
  legs.markAnswered(child);
  if (!parent.answeredAt) await legs.answerCall(parent);
  if (parent.isOver) {
    await legs.hangupCall(child, 'completed', 'caller hung up');
    return { verb: 'Dial', dialCallStatus: 'completed', dialCallSid: child.sid, dialCallDuration: 0, callerHungUp: true };
  }
  legs.connectPeers(parent, child);
  parent.log('verb', `Dial answered by ${child.to} (${child.sid})`);
  const target = targets[children.indexOf(child)];
  if (target?.kind === 'number' && target.sendDigits) void legs.sendDigitsTo(child, target.sendDigits);

  const onStar = (digit: string): void => {
    if (digit === '*') void legs.hangupCall(child, 'completed', 'hangupOnStar');
  };
  if (verb.hangupOnStar) parent.digitListeners.add(onStar);
  const limit = setTimeout(() => void legs.hangupCall(child, 'completed', 'Dial timeLimit reached'), verb.timeLimit * 1000);
  const aborted = new Promise<void>((r) => {
    if (signal.aborted) r();
    signal.addEventListener('abort', () => r(), { once: true });
  });
  // Redirecting the dialed leg takes it out of the bridge: it runs its new TwiML, and this <Dial>
  // completes for the caller, who goes on to the action URL.
  let redirected = false;
  const childRedirected = new Promise<void>((r) => {
    child.onRedirect = () => {
      redirected = true;
      r();
    };
  });
  await Promise.race([child.ended, parent.ended, aborted, childRedirected]);
  clearTimeout(limit);
  child.onRedirect = null;
  parent.digitListeners.delete(onStar);
  if (redirected) {
    legs.unbridge(parent);
    if (!parent.isOver) parent.media?.stopPlayback();
    parent.log('verb', `Dial ended: ${child.sid} was redirected`);
  } else if (!child.isOver) {
    await legs.hangupCall(child, 'completed', parent.isOver ? 'caller hung up' : 'dial ended');
  }
  const duration = child.answeredAt ? Math.round((Date.now() - child.answeredAt.getTime()) / 1000) : 0;
  return {
    verb: 'Dial', dialCallStatus: 'completed', dialCallSid: child.sid,
    dialCallDuration: child.durationSeconds ?? duration, callerHungUp: parent.isOver,
  };
}
