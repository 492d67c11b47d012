/**
 * GET /api/events: the signed-in user's live stream (Server-Sent Events, contracts/api/events.ts). Events
 * come from the replica's hub (events/hub.ts), filtered to the user; a reconnect with Last-Event-ID first
 * replays what it missed from the outbox, or sends `reset` when that cannot be done. While the replay
 * runs, live events wait in a buffer, so none is lost or sent twice between the two.
 *
 * Each stream is one long response: heartbeat comments keep proxies from closing it, a client that stops
 * reading is cut off (it resumes from its Last-Event-ID), and every stream ends after an hour so that the
 * session is checked again when EventSource reconnects.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import { eventsRoute } from '../../contracts/api/events';
import type { ServerEvent } from '../../contracts/api/events';
import type { HubEvent } from '../events/hub';
import { withSeen } from '../history/records';
import type { SharedCallRecord } from '../history/records';
import { sendError } from '../http-errors';
import { currentIdentity } from '../plugins/session';
import type { Store } from '../store/store';
import type { UserDirectory } from '../users';
import { withHeard } from '../voicemail/repository';
import type { SharedVoicemail } from '../voicemail/repository';

export const HEARTBEAT_MS = 20_000;
export const MAX_STREAM_MS = 3600_000;
export const MAX_STREAMS_PER_USER = 10;
/** A client this far behind is not reading: it is cut off and resumes from its Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const RETRY_MS = 3000;

/** The event as this user sees it: a call gets their own `seen`, a voicemail their own `heard`. */
export function shapeFor(event: HubEvent, seenUpTo: Date | null, user: string): ServerEvent | undefined {
  switch (event.type) {
    case 'call':
      return { type: 'call', call: withSeen(event.payload.call as SharedCallRecord, seenUpTo) };
    case 'live-call': {
      // One view per user in the call (their own legs, whether it ended for them).
      const liveCall = (event.payload.liveCalls as Record<string, Extract<ServerEvent, { type: 'live-call' }>['liveCall']> | undefined)?.[user];
      return liveCall ? { type: 'live-call', liveCall } : undefined;
    }
    case 'presence':
      return { type: 'presence', presence: event.payload.presence as Extract<ServerEvent, { type: 'presence' }>['presence'] };
    case 'voicemail':
      return { type: 'voicemail', voicemail: withHeard(event.payload.voicemail as SharedVoicemail, user) };
    case 'voicemail-deleted':
      return { type: 'voicemail-deleted', id: String(event.payload.id) };
    case 'unseen':
      return { type: 'unseen', unseen: event.payload.unseen as Extract<ServerEvent, { type: 'unseen' }>['unseen'] };
    case 'message':
      return { type: 'message', message: event.payload.message as Extract<ServerEvent, { type: 'message' }>['message'] };
    case 'conversation':
      return { type: 'conversation', conversation: event.payload.conversation as Extract<ServerEvent, { type: 'conversation' }>['conversation'] };
    case 'click-to-call':
      return { type: 'click-to-call', progress: event.payload.progress as Extract<ServerEvent, { type: 'click-to-call' }>['progress'] };
    default:
      return undefined;
  }
}

class EventStream {
  lastSent = 0;

  constructor(
    private readonly res: ServerResponse,
    readonly user: string,
  ) {}

  private write(text: string): void {
    if (this.res.destroyed) return;
    this.res.write(text);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.res.destroy();
  }

  event(id: number, event: ServerEvent): void {
    this.lastSent = id;
    this.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Sets the client's Last-Event-ID without an event (an event with no data is not dispatched). */
  position(id: number): void {
    this.lastSent = id;
    this.write(`id: ${id}\n\n`);
  }

  reset(id: number | undefined): void {
    if (id !== undefined) this.lastSent = id;
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: reset\ndata: ${JSON.stringify({ type: 'reset' })}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  end(): void {
    if (!this.res.destroyed) this.res.end();
  }
}

function parseLastEventId(raw: string | string[] | undefined): number | 'invalid' | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') return undefined;
  return /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : 'invalid';
}

export const eventsRoutes: FastifyPluginAsyncTypebox<{ store: Store; users: UserDirectory }> = async (app, opts) => {
  const { store, users } = opts;
  const streams = new Set<EventStream>();
  const heartbeat = setInterval(() => {
    for (const s of streams) s.comment('keep-alive');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // Before the server waits for open connections to finish: streams never finish by themselves.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const s of streams) s.end();
  });

  app.route({
    ...eventsRoute,
    handler: async (request, reply) => {
      const user = currentIdentity(request, users.names);
      if (user === undefined) return sendError(reply, 401, 'signed_out', 'You are not signed in.');
      if ([...streams].filter((s) => s.user === user).length >= MAX_STREAMS_PER_USER) {
        return sendError(reply, 429, 'too_many_streams', `At most ${MAX_STREAMS_PER_USER} live streams per user: tabs of one browser share one.`);
      }
      const lastEventId = parseLastEventId(request.headers['last-event-id'] ?? request.query.lastEventId);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx and similar proxies would otherwise hold events back to fill their buffers.
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      const stream = new EventStream(res, user);
      streams.add(stream);
      let live = false;
      const waiting: HubEvent[] = [];
      const send = (event: HubEvent) => {
        if (event.id <= stream.lastSent) return;
        const shaped = shapeFor(event, store.team.seenUpTo(user), user);
        if (shaped) stream.event(event.id, shaped);
      };
      const unsubscribe = store.events.subscribe({ user, deliver: (event) => (live ? send(event) : waiting.push(event)) });
      const expiry = setTimeout(() => stream.end(), MAX_STREAM_MS);
      expiry.unref();
      res.on('close', () => {
        clearTimeout(expiry);
        unsubscribe();
        streams.delete(stream);
      });

      res.write(`retry: ${RETRY_MS}\n\n`);
      const upTo = store.events.lastId;
      const known = store.events.connected;
      if (lastEventId === undefined) {
        if (known) stream.position(upTo);
      } else {
        const after = lastEventId === 'invalid' || !known ? undefined : lastEventId;
        const missed = after === undefined ? undefined : await store.events.replay(user, after, upTo).catch(() => undefined);
        if (after === undefined || missed === undefined) stream.reset(known ? upTo : undefined);
        else {
          stream.lastSent = after;
          for (const event of missed) send(event);
          if (stream.lastSent < upTo) stream.position(upTo);
        }
      }
      live = true;
      for (const event of waiting.splice(0)) send(event);
    },
  });
};
