/**
 * One connection to the server's live event stream (GET /api/events, Server-Sent Events) that stays
 * up: it reconnects after a drop with a growing delay, resumes where it left off (Last-Event-ID, so
 * the server replays what was missed), and gives up only when the server says the session is gone.
 * How bytes arrive is a port (`StreamTransport`): fetch in the browser (sse-fetch.ts), a fake in tests.
 * In a browser one tab holds this connection for all tabs of the person (shared-stream.ts).
 */
import type { ServerEvent } from '../../../contracts/api';
import type { PhoneEnv } from './env';
import type { SseHandlers, SseMessage } from './sse-parser';

export type { SseMessage } from './sse-parser';

/** What a transport reports: the parsed messages (SseHandlers), and when the connection is up or heard from. */
export interface StreamSink extends SseHandlers {
  /** The server accepted the request; messages follow. */
  opened(): void;
  /** Bytes arrived (events or the server's keep-alive comments). */
  alive(): void;
}

/** How one connection ended: the server closed it, answered with an error status, or the network failed. */
export type StreamEnd = { kind: 'ended' } | { kind: 'refused'; status: number } | { kind: 'failed' };

/** Opens one connection and resolves when it is over (or aborted through `signal`). */
export type StreamTransport = (request: { lastEventId: string | null; signal: AbortSignal }, sink: StreamSink) => Promise<StreamEnd>;

export interface StreamedEvent {
  /** The SSE id after this message: what to resume from. */
  id: string | null;
  event: ServerEvent;
}

export interface EventStreamHost {
  /** Connected. `resumed` is false when the connection could not name a last event: what happened before it is unknown. */
  opened(resumed: boolean): void;
  event(event: StreamedEvent): void;
  /** 401: the session is over; the stream has stopped. */
  signedOut(): void;
  log(line: string): void;
}

export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;
/**
 * The server sends a keep-alive comment every 20 s. A connection silent for three of them has died
 * without a word (a sleeping laptop, a NAT that forgot it): drop it and resume on a new one.
 */
export const SILENCE_MS = 60_000;

/** The delay before reconnection attempt `failures` (1, 2, …): the base doubled each time, capped. */
export function retryDelay(failures: number, baseMs: number): number {
  return Math.min(MAX_RETRY_MS, baseMs * 2 ** Math.max(0, failures - 1));
}

/** A ServerEvent from one message's data, or null for anything else (logged and skipped). */
export function parseServerEvent(message: SseMessage): ServerEvent | null {
  try {
    const data = JSON.parse(message.data) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
    const event = data as { type?: unknown };
    // The SSE event name and the JSON's `type` say the same; a server that sends only one is understood too.
    if (typeof event.type !== 'string') {
      if (!message.event) return null;
      return { ...event, type: message.event } as ServerEvent;
    }
    return data as ServerEvent;
  } catch {
    return null;
  }
}

export class EventStream {
  private lastId: string | null;
  private abort: AbortController | null = null;
  private timer: unknown = null;
  private watchdog: unknown = null;
  /** The connection the watchdog gave up on, so its end counts as a failure, not as a stop. */
  private silenced: AbortController | null = null;
  private failures = 0;
  private baseDelay = FIRST_RETRY_MS;
  private running = false;
  private readonly offOnline: () => void;

  constructor(
    private readonly transport: StreamTransport,
    private readonly env: Pick<PhoneEnv, 'setTimeout' | 'clearTimeout' | 'listen'>,
    private readonly host: EventStreamHost,
    lastEventId: string | null = null,
  ) {
    this.lastId = lastEventId;
    // Back online: no reason to sit out the rest of a long back-off.
    this.offOnline = env.listen('window', 'online', () => {
      if (this.running && this.timer !== null) this.reconnectNow();
    });
  }

  get lastEventId(): string | null {
    return this.lastId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.offOnline();
    this.abort?.abort();
    this.abort = null;
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
    this.quiet();
  }

  /** (Re)arms the watchdog of connection `abort`. */
  private heard(abort: AbortController): void {
    this.quiet();
    this.watchdog = this.env.setTimeout(() => {
      this.watchdog = null;
      this.host.log(`Live updates: nothing heard for ${SILENCE_MS / 1000} s; reconnecting`);
      this.silenced = abort;
      abort.abort();
    }, SILENCE_MS);
  }

  private quiet(): void {
    if (this.watchdog !== null) this.env.clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private reconnectNow(): void {
    this.env.clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const resumed = this.lastId !== null;
    const end = await this.transport(
      { lastEventId: this.lastId, signal: abort.signal },
      {
        opened: () => {
          if (abort.signal.aborted) return;
          this.heard(abort);
          this.failures = 0;
          this.host.log(resumed ? `Live updates connected (resuming after event ${this.lastId})` : 'Live updates connected');
          this.host.opened(resumed);
        },
        message: (message) => {
          if (abort.signal.aborted) return;
          if (message.id !== undefined) this.lastId = message.id;
          const event = parseServerEvent(message);
          if (event) this.host.event({ id: this.lastId, event });
          else this.host.log(`Live updates: skipped a message that is not an event (${message.event ?? 'message'})`);
        },
        cursor: (id) => {
          if (!abort.signal.aborted) this.lastId = id;
        },
        retry: (ms) => {
          if (ms > 0) this.baseDelay = ms;
        },
        alive: () => {
          if (!abort.signal.aborted) this.heard(abort);
        },
      },
    ).catch((): StreamEnd => ({ kind: 'failed' }));
    this.quiet();
    const silenced = this.silenced === abort;
    this.silenced = null;
    if ((abort.signal.aborted && !silenced) || !this.running) return;
    this.abort = null;
    if (end.kind === 'refused' && end.status === 401) {
      this.host.log('Live updates: the session has ended');
      this.stop();
      this.host.signedOut();
      return;
    }
    this.failures++;
    const delay = retryDelay(this.failures, this.baseDelay);
    const why = end.kind === 'refused' ? `the server answered ${end.status}` : end.kind === 'ended' ? 'the server closed the stream' : 'the connection failed';
    this.host.log(`Live updates: ${why}; reconnecting in ${Math.round(delay / 1000)} s`);
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      if (this.running) void this.connect();
    }, delay);
  }
}
