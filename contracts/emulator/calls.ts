/**
 * Calls as the emulator sees them (one per leg / CallSid): GET /calls, GET /calls/:sid,
 * POST /calls/:sid/hangup.
 */
import { Type, type Static } from 'typebox';
import { ControlError, Nullable } from './common';

export const CallStatus = Type.Union([
  Type.Literal('queued'), Type.Literal('initiated'), Type.Literal('ringing'), Type.Literal('in-progress'),
  Type.Literal('completed'), Type.Literal('busy'), Type.Literal('failed'), Type.Literal('no-answer'), Type.Literal('canceled'),
]);
export type CallStatus = Static<typeof CallStatus>;

export const CallDirection = Type.Union([Type.Literal('inbound'), Type.Literal('outbound-api'), Type.Literal('outbound-dial')]);
export type CallDirection = Static<typeof CallDirection>;

export const CallEventKind = Type.Union([
  Type.Literal('status'), Type.Literal('signaling'), Type.Literal('webhook'), Type.Literal('twiml'), Type.Literal('verb'),
  Type.Literal('media'), Type.Literal('digits'), Type.Literal('error'), Type.Literal('info'),
]);

/** One line of a call's event log. */
export const CallEvent = Type.Object({
  at: Type.String(),
  kind: CallEventKind,
  text: Type.String(),
  detail: Type.Optional(Type.Unknown()),
});
export type CallEvent = Static<typeof CallEvent>;

/** One tone found in an audio stream: its frequency and level (emulator/media/spectrum.ts). */
export const ToneView = Type.Object({ hz: Type.Number(), dbfs: Type.Number() });
export type ToneView = Static<typeof ToneView>;

/** What the emulator's media endpoint of a leg measures. */
export const LegMediaView = Type.Object({
  packetsReceived: Type.Integer(),
  packetsSent: Type.Integer(),
  /** Level received over about the last 250 ms, dBFS; -127 when nothing arrives. */
  levelDbfs: Type.Number(),
  peakLevelDbfs: Type.Number(),
  codec: Nullable(Type.String()),
  iceState: Type.String(),
  /** Every DTMF digit received, in order. */
  digits: Type.String(),
  /** Tones in what was received over the last 256 ms, loudest first. */
  tones: Type.Optional(Type.Array(ToneView)),
  /** What the leg sends (what the far end hears): level and tones. */
  sent: Type.Optional(Type.Object({ levelDbfs: Type.Number(), tones: Type.Array(ToneView) })),
});
export type LegMediaView = Static<typeof LegMediaView>;

/** Who is at the far end of the leg. */
export const CallEndpointView = Type.Union([
  Type.Object({
    kind: Type.Literal('client'),
    identity: Type.String(),
    sessionId: Nullable(Type.String()),
    signalingConnected: Type.Boolean(),
  }),
  Type.Object({ kind: Type.Literal('phone'), number: Type.String() }),
]);
export type CallEndpointView = Static<typeof CallEndpointView>;

export const CallView = Type.Object({
  sid: Type.String(),
  parentCallSid: Nullable(Type.String()),
  from: Type.String(),
  to: Type.String(),
  direction: CallDirection,
  status: CallStatus,
  createdAt: Type.String(),
  answeredAt: Nullable(Type.String()),
  endTime: Nullable(Type.String()),
  /** Whole seconds from answer to end; null while the call is up. */
  duration: Nullable(Type.Integer()),
  endpoint: CallEndpointView,
  peerCallSid: Nullable(Type.String()),
  bridged: Type.Boolean(),
  /** SDK calls: invite → answer sent, ms. */
  setupMs: Nullable(Type.Number()),
  /** SDK calls: invite → ringing sent (answerOnBridge), ms. */
  ringingMs: Nullable(Type.Number()),
  media: Nullable(LegMediaView),
});
export type CallView = Static<typeof CallView>;

/** A call with its event log, as GET /state lists them. */
export const CallWithEvents = Type.Object({ ...CallView.properties, events: Type.Array(CallEvent) });
export type CallWithEvents = Static<typeof CallWithEvents>;

/** GET /calls/:sid: the call, its log and the CallSids of its <Dial> children. */
export const CallDetail = Type.Object({ ...CallWithEvents.properties, children: Type.Array(Type.String()) });
export type CallDetail = Static<typeof CallDetail>;

export const CallParams = Type.Object({ sid: Type.String() });
export type CallParams = Static<typeof CallParams>;

export const CallRoutes = {
  list: { response: { 200: Type.Array(CallView) } },
  get: { params: CallParams, response: { 200: CallDetail, 404: ControlError } },
  hangup: { params: CallParams, response: { 200: CallView, 404: ControlError } },
};
