/**
 * Text messages as the emulator's console and tests see them: GET /messages, GET /messages/:sid (with
 * the status callbacks sent for it), GET /media/:sid (a picture's bytes, for the console), and how a
 * simulated phone's carrier treats texts sent to it (SmsDelivery).
 */
import { Type, type Static } from 'typebox';
import { ControlError, Nullable } from './common';

export const MessageStatus = Type.Union([
  Type.Literal('accepted'), Type.Literal('queued'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('delivered'),
  Type.Literal('undelivered'), Type.Literal('failed'), Type.Literal('receiving'), Type.Literal('received'),
]);
export type MessageStatus = Static<typeof MessageStatus>;

export const MessageDirection = Type.Union([Type.Literal('inbound'), Type.Literal('outbound-api'), Type.Literal('outbound-reply')]);
export type MessageDirection = Static<typeof MessageDirection>;

/**
 * What happens to a text the account sends to a phone:
 * - `delivered`: queued → sending → sent → delivered, and it lands in the phone's inbox;
 * - `unreachable`: … → sent → undelivered with 30003 (handset off or out of coverage);
 * - `landline`: … → sending → failed with 30006 (a landline or a carrier that takes no texts);
 * - `unconfirmed`: … → sent, and no delivery receipt ever comes (it stays `sent`; the phone has it);
 * - `unregistered`: … → sending → failed with 30034 (blocked: not registered for US A2P 10DLC).
 */
export const SmsDelivery = Type.Union(
  [Type.Literal('delivered'), Type.Literal('unreachable'), Type.Literal('landline'), Type.Literal('unconfirmed'), Type.Literal('unregistered')],
  { errorMessage: 'delivery must be delivered, unreachable, landline, unconfirmed or unregistered' },
);
export type SmsDelivery = Static<typeof SmsDelivery>;

/** A picture (or other media) of a message; `url` is its bytes on the control API, without credentials. */
export const MessageMedia = Type.Object({
  sid: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});
export type MessageMedia = Static<typeof MessageMedia>;

export const MessageView = Type.Object({
  sid: Type.String(),
  /** Null while a Messaging Service is still choosing the sender (status accepted). */
  from: Nullable(Type.String()),
  to: Type.String(),
  body: Type.String(),
  status: MessageStatus,
  direction: MessageDirection,
  /** When it was created (ISO 8601). */
  at: Type.String(),
  encoding: Type.Union([Type.Literal('GSM-7'), Type.Literal('UCS-2')]),
  numSegments: Type.Integer(),
  media: Type.Array(MessageMedia),
  errorCode: Nullable(Type.Integer()),
  errorMessage: Nullable(Type.String()),
  messagingServiceSid: Nullable(Type.String()),
  statusCallback: Nullable(Type.String()),
});
export type MessageView = Static<typeof MessageView>;

/** One status callback request, as sent (in order). */
export const StatusCallbackAttempt = Type.Object({
  status: MessageStatus,
  url: Type.String(),
  at: Type.String(),
  ok: Type.Boolean(),
  /** The HTTP status the application answered, if it answered. */
  httpStatus: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
});
export type StatusCallbackAttempt = Static<typeof StatusCallbackAttempt>;

export const MessageDetail = Type.Object({ ...MessageView.properties, callbacks: Type.Array(StatusCallbackAttempt) });
export type MessageDetail = Static<typeof MessageDetail>;

export const MessageParams = Type.Object({ sid: Type.String() });
export type MessageParams = Static<typeof MessageParams>;

export const MessageRoutes = {
  /** Every message the emulator keeps (the latest 500), newest first. */
  list: { response: { 200: Type.Array(MessageView) } },
  get: { params: MessageParams, response: { 200: MessageDetail, 404: ControlError } },
  /** The media's bytes with its Content-Type. */
  media: { params: MessageParams, response: { 200: Type.Unsafe<Uint8Array>({ description: 'the media bytes' }), 404: ControlError } },
};
