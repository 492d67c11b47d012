/** JSON views of the emulator's state for the console and the control API, typed by its contracts. */
import type { CallView, CallWithEvents } from '../../contracts/emulator/calls';
import type { ClientView } from '../../contracts/emulator/clients';
import type { PhoneView } from '../../contracts/emulator/phones';
import type { MetricsView, StateView } from '../../contracts/emulator/state';
import type { Call } from '../calls/call';
import type { Emulator } from '../emulator';
import type { SimulatedPhone } from '../phones/phone';
import type { SignalingSession } from '../signaling/session';
import { conferenceList } from './conferences';
import { messageView } from './messages';

export function clientView(s: SignalingSession): ClientView {
  return {
    sessionId: s.id,
    identity: s.identity,
    registered: s.registered,
    reachable: s.reachable,
    tokenExpired: s.tokenExpired,
    tokenExpiresAt: s.token ? new Date(s.token.expiresAt * 1000).toISOString() : null,
    connectedAt: new Date(s.connectedAt).toISOString(),
    userAgent: s.userAgent,
  };
}

export function callView(call: Call): CallView {
  const ep = call.endpoint;
  const setupMs = call.timing.inviteAt !== undefined && call.timing.answerSentAt !== undefined
    ? call.timing.answerSentAt - call.timing.inviteAt : null;
  return {
    sid: call.sid,
    parentCallSid: call.parentSid,
    from: call.from,
    to: call.to,
    direction: call.direction,
    status: call.status,
    createdAt: call.createdAt.toISOString(),
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endTime: call.endTime?.toISOString() ?? null,
    duration: call.durationSeconds,
    endpoint: ep.kind === 'client'
      ? { kind: 'client', identity: ep.identity, sessionId: ep.session?.id ?? null, signalingConnected: !!ep.session && !ep.session.closed }
      : { kind: 'phone', number: ep.number },
    peerCallSid: call.peer?.sid ?? null,
    bridged: call.bridge !== null,
    setupMs,
    ringingMs: call.timing.inviteAt !== undefined && call.timing.ringingSentAt !== undefined ? call.timing.ringingSentAt - call.timing.inviteAt : null,
    media: call.media ? call.media.stats() : call.finalMedia,
  };
}

export function callWithEvents(call: Call): CallWithEvents {
  return { ...callView(call), events: call.events };
}

/** `optedOutOf`: the account's numbers or services the phone has texted STOP to. */
export function phoneView(phone: SimulatedPhone, optedOutOf: string[] = []): PhoneView {
  return {
    number: phone.number,
    name: phone.spec.name,
    behaviour: phone.spec.behaviour,
    ephemeral: phone.ephemeral,
    state: phone.state,
    callSid: phone.callSid,
    operatedFromConsole: phone.consoleLeg !== null,
    heard: phone.heard(),
    messages: phone.messages,
    sms: { delivery: phone.spec.sms?.delivery ?? 'delivered' },
    optedOutOf,
  };
}

export function stateView(emulator: Pick<Emulator, 'account' | 'sessions' | 'phones' | 'calls' | 'messages' | 'conferences'>): StateView {
  const { account } = emulator;
  const calls = [...emulator.calls.values()];
  const active = calls.filter((c) => !c.isOver);
  const recent = calls.filter((c) => c.isOver).slice(-30).reverse();
  return {
    account: {
      accountSid: account.sid,
      numbers: account.numberList().map((n) => ({ phoneNumber: n.phoneNumber, voiceApplicationSid: n.voiceApplicationSid ?? null, voiceUrl: n.voiceUrl ?? null, smsUrl: n.smsUrl ?? null })),
      applications: account.applicationList().map((a) => ({ sid: a.sid, voiceUrl: a.voiceUrl })),
    },
    clients: [...emulator.sessions.values()].map(clientView),
    phones: [...emulator.phones.values()].map((p) => phoneView(p, emulator.messages.optedOutOf(p.number))),
    calls: [...active, ...recent].map(callWithEvents),
    messages: emulator.messages.store.list().slice(0, 30).map(messageView),
    conferences: conferenceList(emulator, 10),
    callStore: { atMost: emulator.calls.keepsAtMost, forgotten: emulator.calls.forgotten },
  };
}

/** Process figures for benchmarks and soak tests. */
export function metricsView(emulator: Pick<Emulator, 'calls' | 'sessions' | 'forks'>, collect = false): MetricsView {
  const gc = (globalThis as { gc?: () => void }).gc;
  const collected = collect && typeof gc === 'function';
  if (collected) gc();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const active = emulator.calls.active();
  const activeResources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
  return {
    at: Date.now(),
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    collected,
    activeCalls: active.length,
    activeMediaLegs: active.filter((c) => c.media).length,
    bridgedCalls: active.filter((c) => c.bridge).length / 2,
    sessions: emulator.sessions.size,
    keptCalls: emulator.calls.size,
    forgottenCalls: emulator.calls.forgotten,
    ringingForks: emulator.forks.size,
    activeResources,
  };
}
