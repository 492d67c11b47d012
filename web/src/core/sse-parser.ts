/**
 * The Server-Sent Events wire format, parsed as the WHATWG spec's EventSource parses it (lines ended by
 * CRLF, LF or CR, a leading BOM dropped, `data` lines joined, `id` without NUL, numeric `retry`,
 * comments). Hand-written because the resume point must follow the spec exactly: a message with an `id`
 * but no `data` dispatches no event yet still moves the last event id, and the server starts every
 * stream with such a line, so that a first reconnect resumes from there.
 */

export interface SseMessage {
  /** The `id` field of this message, when it had one. */
  id?: string | undefined;
  event?: string | undefined;
  data: string;
}

export interface SseHandlers {
  message(message: SseMessage): void;
  /** A message that carried only an id: nothing to dispatch, but the resume point moved. */
  cursor(id: string): void;
  retry(ms: number): void;
}

export interface SseParser {
  feed(chunk: string): void;
}

export function createSseParser(on: SseHandlers): SseParser {
  let buffer = '';
  let first = true;
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;

  const dispatch = () => {
    if (data.length > 0) on.message({ ...(id !== undefined ? { id } : {}), ...(event ? { event } : {}), data: data.join('\n') });
    else if (id !== undefined) on.cursor(id);
    data = [];
    event = undefined;
    id = undefined;
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) on.retry(Number(value));
  };

  return {
    feed(chunk) {
      buffer += chunk;
      if (first && buffer.length > 0) {
        first = false;
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      }
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (end === -1 || (buffer[end] === '\r' && end === buffer.length - 1)) return;
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        line(text);
      }
    },
  };
}
