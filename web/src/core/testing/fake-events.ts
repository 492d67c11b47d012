import type { ServerEvent } from '../../../../contracts/api';
import type { SseMessage, StreamEnd, StreamSink, StreamTransport } from '../event-stream';

interface Connection {
  lastEventId: string | null;
  sink: StreamSink;
  end: (end: StreamEnd) => void;
}

/**
 * GET /api/events as the contract describes it, in memory: numbered events, replay after a
 * Last-Event-ID, `reset` when the gap is older than what it keeps. Tests push events, drop or refuse
 * connections, and count them (one per browser is the point of the shared stream).
 */
export class FakeEventServer {
  /** Every connection ever opened, with the Last-Event-ID it sent. */
  readonly requests: Array<{ lastEventId: string | null }> = [];
  private readonly open = new Set<Connection>();
  private readonly events: Array<{ id: string; event: ServerEvent }> = [];
  private nextId = 1;
  /** Events older than this are forgotten: a resume from before them gets `reset`. */
  keepFrom = 1;
  /** The next connections are answered with this status instead (e.g. 401, 503). */
  refuseWith: number | null = null;
  /** When false, connections stay pending (not yet answered) until `answer()`. */
  answering = true;
  private readonly pending: Connection[] = [];

  get connections(): number {
    return this.open.size;
  }

  transport: StreamTransport = ({ lastEventId, signal }, sink) =>
    new Promise<StreamEnd>((resolve) => {
      this.requests.push({ lastEventId });
      if (this.refuseWith !== null) return resolve({ kind: 'refused', status: this.refuseWith });
      const connection: Connection = {
        lastEventId,
        sink,
        end: (end) => {
          this.open.delete(connection);
          resolve(end);
        },
      };
      signal.addEventListener('abort', () => connection.end({ kind: 'failed' }));
      if (this.answering) this.accept(connection);
      else this.pending.push(connection);
    });

  /** Answers the connections held back while `answering` was false. */
  answer(): void {
    this.answering = true;
    this.pending.splice(0).forEach((c) => this.accept(c));
  }

  push(event: ServerEvent): string {
    const id = String(this.nextId++);
    this.events.push({ id, event });
    for (const c of this.open) {
      c.sink.alive();
      c.sink.message(this.message(id, event));
    }
    return id;
  }

  /** Sends a keep-alive comment on every open connection. */
  heartbeat(): void {
    for (const c of this.open) c.sink.alive();
  }

  /** Ends every open connection as a network failure would. */
  dropAll(): void {
    [...this.open].forEach((c) => c.end({ kind: 'failed' }));
  }

  private accept(connection: Connection): void {
    this.open.add(connection);
    connection.sink.opened();
    const { lastEventId } = connection;
    // As the server does: a fresh stream starts with the current id, so its first reconnect misses nothing.
    if (lastEventId === null) {
      connection.sink.cursor(this.events.at(-1)?.id ?? '0');
      return;
    }
    const after = Number(lastEventId);
    if (after + 1 < this.keepFrom) {
      connection.sink.message({ event: 'reset', data: JSON.stringify({ type: 'reset' }) });
      return;
    }
    for (const { id, event } of this.events) if (Number(id) > after) connection.sink.message(this.message(id, event));
  }

  private message(id: string, event: ServerEvent): SseMessage {
    return { id, event: event.type, data: JSON.stringify(event) };
  }
}
