/**
 * A Server-Sent Events client for Node-side tests and benches, reading GET /api/events as a browser's
 * EventSource would: `id:`, `event:`, `data:` fields, blocks ended by a blank line, comments ignored, the
 * last id kept (also from a block without data). Trusts the local self-signed certificate.
 */
import http from 'node:http';
import https from 'node:https';

export interface StreamedEvent {
  id: string | undefined;
  event: string;
  data: unknown;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface EventStreamClient {
  status: number;
  events: StreamedEvent[];
  /** The last id the stream set, as EventSource would send it back on reconnect. */
  lastEventId(): string | undefined;
  /** Resolves with the first event (already received or to come) that matches. */
  next(match: (e: StreamedEvent) => boolean, timeoutMs?: number, what?: string): Promise<StreamedEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openEventStream(
  url: string,
  headers: Record<string, string>,
  options: { agent?: http.Agent } = {},
): Promise<EventStreamClient> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      target,
      { headers: { accept: 'text/event-stream', ...headers }, ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}), ...(options.agent ? { agent: options.agent } : {}) },
      (res) => {
        const events: StreamedEvent[] = [];
        const waiters = new Set<{ match: (e: StreamedEvent) => boolean; resolve: (e: StreamedEvent) => void }>();
        let lastId: string | undefined;
        let buffer = '';
        let ended!: () => void;
        const endedPromise = new Promise<void>((r) => {
          ended = r;
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = 'message';
            let data = '';
            let hasData = false;
            for (const line of block.split('\n')) {
              if (line.startsWith(':') || line === '') continue;
              const colon = line.indexOf(':');
              const field = colon === -1 ? line : line.slice(0, colon);
              const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') lastId = value;
              else if (field === 'event') event = value;
              else if (field === 'data') {
                data += (hasData ? '\n' : '') + value;
                hasData = true;
              }
            }
            if (!hasData) continue;
            const e: StreamedEvent = { id: lastId, event, data: JSON.parse(data), at: performance.now() };
            events.push(e);
            for (const w of [...waiters]) {
              if (w.match(e)) {
                waiters.delete(w);
                w.resolve(e);
              }
            }
          }
        });
        res.on('end', () => ended());
        res.on('close', () => ended());
        resolve({
          status: res.statusCode ?? 0,
          events,
          lastEventId: () => lastId,
          ended: endedPromise,
          next(match, timeoutMs = 10_000, what = 'an event') {
            const found = events.find(match);
            if (found) return Promise.resolve(found);
            return new Promise((ok, fail) => {
              const waiter = { match, resolve: (e: StreamedEvent) => {
                clearTimeout(timer);
                ok(e);
              } };
              const timer = setTimeout(() => {
                waiters.delete(waiter);
                fail(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.id, e.event]))}`));
              }, timeoutMs);
              waiters.add(waiter);
            });
          },
          close() {
            req.destroy();
            res.destroy();
          },
        });
      },
    );
    req.on('error', reject);
  });
}
