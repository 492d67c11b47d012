/**
 * GET /api/events: the live stream (Server-Sent Events) of what changes for the signed-in user. Each
 * event has a monotonically increasing `id`; a client that reconnects sends it back as Last-Event-ID
 * (EventSource does this itself) and receives every event it missed, in order. When the gap cannot be
 * replayed the stream sends `reset` first: the client reloads its lists.
 * The SSE `event:` field carries the `type` below; `data:` carries the JSON object.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, errorReply } from './errors';
import { LiveCall } from './call-control';
import { ClickToCallProgress } from './click-to-call';
import { CallRecord, Unseen } from './history';
import { Conversation, MessageRecord } from './messages';
import { Presence } from './presence';
import { SIGNED_IN, defineRoute } from './route';
import { Voicemail } from './voicemails';

export const CallEvent = Type.Object({ type: Type.Literal('call'), call: CallRecord }, { description: 'A call was added to the history or changed.' });
export const PresenceEvent = Type.Object({ type: Type.Literal('presence'), presence: Presence }, { description: "A user's availability or on-call state changed." });
export const UnseenEvent = Type.Object({ type: Type.Literal('unseen'), unseen: Unseen }, { description: "The signed-in user's unseen counts changed." });
export const MessageEvent = Type.Object({ type: Type.Literal('message'), message: MessageRecord }, { description: 'A text message arrived, was sent, or its delivery state changed.' });
export const ConversationEvent = Type.Object(
  { type: Type.Literal('conversation'), conversation: Conversation },
  { description: 'A conversation changed for the signed-in user (new message, read, opted out or back in).' },
);
export const VoicemailEvent = Type.Object(
  { type: Type.Literal('voicemail'), voicemail: Voicemail },
  { description: 'A voicemail was left, or someone heard it (heardBy changed).' },
);
export const VoicemailDeletedEvent = Type.Object(
  { type: Type.Literal('voicemail-deleted'), id: Type.String({ description: 'The voicemail id.' }) },
  { description: 'A voicemail was deleted (by someone in the team, or by retention); a restore sends it again as `voicemail`.' },
);
export const LiveCallEvent = Type.Object(
  { type: Type.Literal('live-call'), liveCall: LiveCall },
  { description: 'A call the signed-in user is in changed (held, resumed, parties, transfer), or ended for them (ended: true).' },
);
export const ClickToCallEvent = Type.Object(
  { type: Type.Literal('click-to-call'), progress: ClickToCallProgress },
  { description: 'A call placed via your own phone moved on: your phone rings, press 1, the destination rings, connected, ended.' },
);
export const ResetEvent = Type.Object({ type: Type.Literal('reset') }, { description: 'Events were missed and cannot be replayed: reload the lists.' });

export const ServerEvent = Type.Union([CallEvent, LiveCallEvent, PresenceEvent, UnseenEvent, MessageEvent, ConversationEvent, VoicemailEvent, VoicemailDeletedEvent, ClickToCallEvent, ResetEvent]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];

export const EventsQuery = Type.Object({
  lastEventId: Type.Optional(
    Type.String({ maxLength: 40, description: 'The id of the last event received, for a client that cannot send the Last-Event-ID header (the header wins).' }),
  ),
});
export type EventsQuery = Static<typeof EventsQuery>;

export const eventsRoute = defineRoute({
  method: 'GET',
  url: '/api/events',
  schema: {
    summary: 'Live updates (Server-Sent Events)',
    description:
      'text/event-stream; resumable with Last-Event-ID. One stream per browser is enough: tabs share it. A stream without ' +
      'Last-Event-ID starts with the current id (an `id:` line, no event), so its first reconnect misses nothing; comments ' +
      'keep it alive every 20 s; the server ends each stream after an hour to check the session again (EventSource reconnects).',
    tags: ['Events'],
    security: SIGNED_IN,
    querystring: EventsQuery,
    response: {
      200: { description: 'An endless event stream; each `data:` line is a ServerEvent.', content: { 'text/event-stream': { schema: ServerEvent } } },
      401: errorReply('Not signed in, or the session has expired (signed_out).'),
      429: errorReply('Too many open streams for this user (too_many_streams): share one per browser.'),
      ...COMMON_ERRORS,
    },
  },
});
