/** JSON views of the emulator's state for the console and the control API. */
import type { Call } from '../calls/call';
import type { CallEngine } from '../calls/engine';
import type { SignalingSession } from '../signaling/session';
import type { MessageStore } from '../messages';

export function clientView(s: SignalingSession): Record<string, unknown> {
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

export function callView(call: Call, withEvents = false): Record<string, unknown> {
  const ep = call.endpoint;
  const setupMs = call.timing.inviteAt !== undefined && call.timing.answerSentAt !== undefined
    ? call.timing.answerSentAt - call.timing.inviteAt : null;
  const view: Record<string, unknown> = {
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
    media: call.media ? call.media.stats() : null,
  };
  if (withEvents) view.events = call.events;
  return view;
}

export function stateView(engine: CallEngine, messages: MessageStore): Record<string, unknown> {
  const calls = [...engine.calls.values()];
  const active = calls.filter((c) => !c.isOver);
  const recent = calls.filter((c) => c.isOver).slice(-30).reverse();
  return {
    account: {
      accountSid: engine.accountSid,
      numbers: engine.options.numbers.map((n) => ({ phoneNumber: n.phoneNumber, voiceApplicationSid: n.voiceApplicationSid ?? null, voiceUrl: n.voiceUrl ?? null, smsUrl: n.smsUrl ?? null })),
      applications: engine.options.applications.map((a) => ({ sid: a.sid, voiceUrl: a.voiceUrl })),
    },
    clients: [...engine.sessions.values()].map(clientView),
    phones: [...engine.phones.values()].map((p) => p.toJSON()),
    calls: [...active.map((c) => callView(c, true)), ...recent.map((c) => callView(c, true))],
    messages: [...messages.messages.values()].slice(-30).reverse().map((m) => ({
      sid: m.sid, from: m.from, to: m.to, body: m.body, status: m.status, direction: m.direction, at: m.dateCreated.toISOString(),
    })),
  };
}
