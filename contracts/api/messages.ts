/**
 * Text messages on the team number: conversations (one per outside number, shared by the team), their
 * messages, sending from the app, and what each user has not read yet. Delivery states are folded from
 * Twilio's status callbacks; errors carry Twilio's code, which the app puts in words.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, STATE_CHANGE_ERRORS, errorReply } from './errors';
import { Unseen } from './history';
import type { MediaResponse } from './route';
import { SIGNED_IN, defineRoute } from './route';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');
const STORE_DOWN = errorReply('The messages store is unavailable (store_unavailable).');
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC.' });

/** The longest body Twilio takes in one request (it splits it into up to ten segments). */
export const MAX_MESSAGE_LENGTH = 1600;

export const MessageStatus = Type.Enum(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received'], {
  description: "Twilio's states of a message; received for inbound ones. undelivered and failed carry an errorCode.",
});
export type MessageStatus = Static<typeof MessageStatus>;

export const MessageMedia = Type.Object(
  {
    index: Type.Integer({ minimum: 0, maximum: 9, description: 'Its n in GET /api/messages/:id/media/:n.' }),
    contentType: Type.String({ description: 'As Twilio announced it; only image/jpeg, png, gif and webp are shown inline.' }),
  },
  { description: 'One picture or other file attached to a message (its Twilio URL stays on the server).' },
);
export type MessageMedia = Static<typeof MessageMedia>;

export const MessageRecord = Type.Object(
  {
    id: Type.String({ description: 'The id of the message here (not a Twilio SID).' }),
    conversationId: Type.String(),
    direction: Type.Enum(['inbound', 'outbound']),
    peer: Type.String({ description: 'The outside number, E.164.' }),
    body: Type.String(),
    mediaCount: Type.Integer({ minimum: 0, description: 'Pictures or other media attached (inbound).' }),
    media: Type.Array(MessageMedia, { description: 'The attached media, in order; fetch each from GET /api/messages/:id/media/:n.' }),
    status: MessageStatus,
    errorCode: Type.Union([Type.Integer(), Type.Null()], { description: "Twilio's error code, when sending failed." }),
    sentBy: Type.Union([Type.String(), Type.Null()], { description: 'The user who sent an outbound message.' }),
    at: Timestamp,
  },
  { description: 'One text message of a conversation.' },
);
export type MessageRecord = Static<typeof MessageRecord>;

export const Conversation = Type.Object(
  {
    id: Type.String(),
    peer: Type.String({ description: 'The outside number, E.164.' }),
    lastMessage: Type.String({ description: 'The body of the newest message (or a note that it had media only).' }),
    lastAt: Timestamp,
    unread: Type.Integer({ minimum: 0, description: 'Inbound messages the signed-in user has not read.' }),
    optedOut: Type.Boolean({ description: 'The number replied STOP: nothing can be sent until it texts START.' }),
  },
  { description: 'The messages with one outside number, as the signed-in user sees them.' },
);
export type Conversation = Static<typeof Conversation>;

export const ConversationList = Type.Object({ items: Type.Array(Conversation, { description: 'Most recent first.' }) });
export type ConversationList = Static<typeof ConversationList>;

export const ConversationParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$', description: 'A conversation id.' }) });
export type ConversationParams = Static<typeof ConversationParams>;

export const MessageListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Page size.' })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'A message id: only older messages (the next page).' })),
});
export type MessageListQuery = Static<typeof MessageListQuery>;

export const MessageList = Type.Object({
  items: Type.Array(MessageRecord, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for older messages; null at the end.' }),
});
export type MessageList = Static<typeof MessageList>;

export const SendMessageRequest = Type.Object({
  to: Type.String({ minLength: 1, maxLength: 40, description: 'A phone number; without a country code, the team number’s country.' }),
  body: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH, description: `Up to ${MAX_MESSAGE_LENGTH} characters.` }),
});
export type SendMessageRequest = Static<typeof SendMessageRequest>;

export const SentMessage = Type.Object({
  id: Type.String(),
  status: MessageStatus,
  /** Absent when Twilio took the text but its record could not be written yet: it arrives as a live event once healed. */
  message: Type.Optional(MessageRecord),
});
export type SentMessage = Static<typeof SentMessage>;

export const sendMessageRoute = defineRoute({
  method: 'POST',
  url: '/api/messages',
  schema: {
    summary: 'Send a text message',
    description: "Sends from the team number; the delivery state follows through Twilio's status callbacks and the live events.",
    tags: ['Messages'],
    security: SIGNED_IN,
    body: SendMessageRequest,
    response: {
      201: SentMessage,
      400: errorReply('A number that is not valid, not allowed (country, premium rate) or a body that is empty or too long (bad_request, not_allowed).'),
      401: SIGNED_OUT,
      409: errorReply('The number replied STOP (opted_out): nothing can be sent until it texts START.'),
      429: errorReply('Too many messages in a short time (rate_limited).'),
      502: errorReply('Twilio refused the message (twilio_refused), with its error code in words.'),
      503: STORE_DOWN,
      ...JSON_BODY_ERRORS,
    },
  },
});

export const conversationListRoute = defineRoute({
  method: 'GET',
  url: '/api/conversations',
  schema: {
    summary: 'Conversations',
    tags: ['Messages'],
    security: SIGNED_IN,
    response: { 200: ConversationList, 401: SIGNED_OUT, 503: STORE_DOWN, ...COMMON_ERRORS },
  },
});

export const conversationMessagesRoute = defineRoute({
  method: 'GET',
  url: '/api/conversations/:id/messages',
  schema: {
    summary: 'Messages of a conversation',
    description: 'Newest first, in pages.',
    tags: ['Messages'],
    security: SIGNED_IN,
    params: ConversationParams,
    querystring: MessageListQuery,
    response: { 200: MessageList, 400: errorReply('A bad id, limit or cursor (bad_request).'), 401: SIGNED_OUT, 404: errorReply('No such conversation (not_found).'), 503: STORE_DOWN, ...COMMON_ERRORS },
  },
});

export const conversationReadRoute = defineRoute({
  method: 'POST',
  url: '/api/conversations/:id/read',
  schema: {
    summary: 'Mark a conversation read',
    description: 'Its messages are read for the signed-in user, on every device.',
    tags: ['Messages'],
    security: SIGNED_IN,
    params: ConversationParams,
    response: { 200: Unseen, 400: errorReply('A bad id (bad_request).'), 401: SIGNED_OUT, 404: errorReply('No such conversation (not_found).'), 503: STORE_DOWN, ...STATE_CHANGE_ERRORS },
  },
});

export const MessageMediaParams = Type.Object({
  // Checked by the handler, after the session: a signed-out request learns nothing about ids.
  id: Type.String({ maxLength: 40, description: 'A message id (digits).' }),
  n: Type.String({ maxLength: 10, description: 'Which media of the message, from 0 (0–9).' }),
});
export type MessageMediaParams = Static<typeof MessageMediaParams>;

const MEDIA_BYTES: MediaResponse = {
  description: 'The bytes of the media: a picture, or any other file as an attachment.',
  content: Object.fromEntries(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/octet-stream'].map((type) => [type, { schema: Type.String({ format: 'binary' }) }])),
};

export const messageMediaRoute = defineRoute({
  method: 'GET',
  url: '/api/messages/:id/media/:n',
  schema: {
    summary: 'A picture of a message',
    description: "Fetched from Twilio with the account's key. Pictures (JPEG, PNG, GIF, WebP) are served as such; any other file as an attachment to download.",
    tags: ['Messages'],
    security: SIGNED_IN,
    params: MessageMediaParams,
    response: {
      200: MEDIA_BYTES,
      400: errorReply('A bad id or index (bad_request).'),
      401: SIGNED_OUT,
      404: errorReply('No such message or media (not_found), or its URL is not this account’s media on Twilio (refused).'),
      413: errorReply('Larger than an MMS can be (too_large).'),
      502: errorReply('Twilio did not give the media just now (media_unavailable).'),
      503: STORE_DOWN,
      ...COMMON_ERRORS,
    },
  },
});
