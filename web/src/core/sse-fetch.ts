/**
 * The browser's StreamTransport: Server-Sent Events read over fetch rather than EventSource, because
 * a tab that takes the stream over from another must send the other tab's Last-Event-ID on its very
 * first request (EventSource sends it only on its own reconnections), and because a 401 must be told
 * apart from a network failure (EventSource reports both as the same `error`).
 */
import type { StreamEnd, StreamTransport } from './event-stream';
import { createSseParser } from './sse-parser';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function fetchEventStream(url = '/api/events', fetchImpl: Fetch = (input, init) => fetch(input, init)): StreamTransport {
  return async ({ lastEventId, signal }, sink): Promise<StreamEnd> => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'GET',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: lastEventId === null ? { accept: 'text/event-stream' } : { accept: 'text/event-stream', 'last-event-id': lastEventId },
        signal,
      });
    } catch {
      return { kind: 'failed' };
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'refused', status: response.ok ? 415 : response.status };
    }
    sink.opened();
    const parser = createSseParser(sink);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { kind: 'ended' };
        sink.alive();
        parser.feed(value);
      }
    } catch {
      return { kind: 'failed' };
    } finally {
      reader.releaseLock();
    }
  };
}
