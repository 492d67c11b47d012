import { describe, expect, it } from 'vitest';
import { EventStream, MAX_RETRY_MS, parseServerEvent, retryDelay, type EventStreamHost, type StreamedEvent } from './event-stream';
import { fetchEventStream } from './sse-fetch';
import { createSseParser, type SseMessage } from './sse-parser';
import { fakeEnv } from './testing/fake-env';
import { FakeEventServer } from './testing/fake-events';
import { flush } from './testing/phone-harness';

const presence = (user: string) => ({ type: 'presence' as const, presence: { user, availability: 'dnd' as const, onCall: false } });

function recorder() {
  const seen = { opened: [] as boolean[], events: [] as StreamedEvent[], signedOut: 0, log: [] as string[] };
  const host: EventStreamHost = {
    opened: (resumed) => seen.opened.push(resumed),
    event: (e) => seen.events.push(e),
    signedOut: () => seen.signedOut++,
    log: (line) => seen.log.push(line),
  };
  return { seen, host };
}

describe('retryDelay', () => {
  it.each([
    [1, 1000, 1000],
    [2, 1000, 2000],
    [3, 1000, 4000],
    [6, 1000, MAX_RETRY_MS],
    [40, 1000, MAX_RETRY_MS],
    [1, 5000, 5000],
  ])('attempt %i with base %i ms waits %i ms', (failures, base, expected) => {
    expect(retryDelay(failures, base)).toBe(expected);
  });
});

describe('parseServerEvent', () => {
  it.each([
    ['a typed event', { event: 'unseen', data: '{"type":"unseen","unseen":{"missedCalls":2}}' }, { type: 'unseen', unseen: { missedCalls: 2 } }],
    ['the type from the SSE event name', { event: 'reset', data: '{}' }, { type: 'reset' }],
    ['not JSON', { event: 'call', data: 'hello' }, null],
    ['JSON that is not an object', { data: '[1]' }, null],
    ['no type anywhere', { data: '{"a":1}' }, null],
  ])('%s', (_name, message, expected) => {
    expect(parseServerEvent(message)).toEqual(expected);
  });
});

describe('createSseParser', () => {
  function parse(chunks: string[]) {
    const out: Array<SseMessage | { cursor: string } | { retry: number }> = [];
    const parser = createSseParser({ message: (m) => out.push(m), cursor: (id) => out.push({ cursor: id }), retry: (ms) => out.push({ retry: ms }) });
    chunks.forEach((c) => parser.feed(c));
    return out;
  }

  it.each([
    ['one event', ['id: 1\nevent: call\ndata: {}\n\n'], [{ id: '1', event: 'call', data: '{}' }]],
    ['data lines joined, no space after the colon', ['data:a\ndata: b\n\n'], [{ data: 'a\nb' }]],
    ['an id with no data moves the cursor only', ['id: 41\n\n'], [{ cursor: '41' }]],
    ['comments and unknown fields ignored', [': keep-alive\nfoo: bar\ndata: x\n\n'], [{ data: 'x' }]],
    ['CRLF and CR line ends, split anywhere', ['data: a\r', '\n\r\ndata: b\r\r', '\n'], [{ data: 'a' }, { data: 'b' }]],
    ['a leading byte-order mark', ['\ufeffdata: x\n\n'], [{ data: 'x' }]],
    ['retry in ms, only when numeric', ['retry: 2500\nretry: soon\n\n'], [{ retry: 2500 }]],
    ['an id with NUL is ignored', ['id: a\0b\ndata: x\n\n'], [{ data: 'x' }]],
    ['nothing dispatched without the blank line', ['data: x\n'], []],
  ])('%s', (_name, chunks, expected) => {
    expect(parse(chunks)).toEqual(expected);
  });
});

describe('EventStream', () => {
  it('delivers events with their ids and reconnects after a drop, resuming after the last one', async () => {
    const server = new FakeEventServer();
    const env = fakeEnv();
    const { seen, host } = recorder();
    const stream = new EventStream(server.transport, env, host);
    stream.start();
    await flush();
    server.push(presence('bob'));
    server.dropAll();
    server.push(presence('carol')); // while nobody is connected
    await flush();
    expect(server.connections).toBe(0);
    env.runTimers();
    await flush();
    expect(server.requests).toEqual([{ lastEventId: null }, { lastEventId: '1' }]);
    expect(seen.opened).toEqual([false, true]);
    expect(seen.events).toEqual([
      { id: '1', event: presence('bob') },
      { id: '2', event: presence('carol') },
    ]);
    expect(stream.lastEventId).toBe('2');
    stream.stop();
  });

  it('backs off while the server refuses, and stops for good on 401', async () => {
    const server = new FakeEventServer();
    server.refuseWith = 503;
    const env = fakeEnv();
    const { seen, host } = recorder();
    const stream = new EventStream(server.transport, env, host);
    stream.start();
    await flush();
    env.runTimers();
    await flush();
    expect(seen.log.filter((l) => l.includes('503'))).toEqual([
      'Live updates: the server answered 503; reconnecting in 1 s',
      'Live updates: the server answered 503; reconnecting in 2 s',
    ]);
    server.refuseWith = 401;
    env.runTimers();
    await flush();
    expect(seen.signedOut).toBe(1);
    env.runTimers();
    await flush();
    expect(server.requests).toHaveLength(3);
  });

  it('a fresh stream learns the current id at once, so its first reconnect misses nothing', async () => {
    const server = new FakeEventServer();
    server.push(presence('bob'));
    const env = fakeEnv();
    const { seen, host } = recorder();
    const stream = new EventStream(server.transport, env, host);
    stream.start();
    await flush();
    expect(stream.lastEventId).toBe('1');
    server.dropAll();
    server.push(presence('carol'));
    await flush();
    env.runTimers();
    await flush();
    expect(server.requests.at(-1)).toEqual({ lastEventId: '1' });
    expect(seen.events.map((e) => e.id)).toEqual(['2']);
    stream.stop();
  });

  it('drops a connection that has gone silent and resumes on a new one', async () => {
    const server = new FakeEventServer();
    const env = fakeEnv();
    const { seen, host } = recorder();
    const stream = new EventStream(server.transport, env, host);
    stream.start();
    await flush();
    server.push(presence('bob'));
    env.runTimers(); // the watchdog: nothing heard since
    await flush();
    expect(seen.log).toContain('Live updates: nothing heard for 60 s; reconnecting');
    env.runTimers(); // the reconnection delay
    await flush();
    expect(server.requests).toEqual([{ lastEventId: null }, { lastEventId: '1' }]);
    expect(server.connections).toBe(1);
    stream.stop();
  });

  it('reconnects at once when the network comes back', async () => {
    const server = new FakeEventServer();
    server.refuseWith = 502;
    const env = fakeEnv();
    const stream = new EventStream(server.transport, env, recorder().host);
    stream.start();
    await flush();
    server.refuseWith = null;
    env.fire('window', 'online');
    await flush();
    expect(server.connections).toBe(1);
    stream.stop();
    expect(server.connections).toBe(0);
  });
});

describe('fetchEventStream', () => {
  function sseResponse(chunks: string[], init: ResponseInit = { headers: { 'content-type': 'text/event-stream' } }) {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        chunks.forEach((c) => controller.enqueue(encoder.encode(c)));
        controller.close();
      },
    });
    return new Response(body, init);
  }

  it('sends Last-Event-ID and parses events split across chunks', async () => {
    const sent: RequestInit[] = [];
    const transport = fetchEventStream('/api/events', async (_url, init) => {
      sent.push(init!);
      return sseResponse([': hello\n\nretry: 2500\nid: 7\nevent: unseen\ndata: {"type":"uns', 'een","unseen":{"missedCalls":1}}\n\n']);
    });
    const messages: unknown[] = [];
    const retries: number[] = [];
    let opened = 0;
    const end = await transport(
      { lastEventId: '6', signal: new AbortController().signal },
      { opened: () => opened++, message: (m) => messages.push(m), retry: (ms) => retries.push(ms), cursor: () => undefined, alive: () => undefined },
    );
    expect(end).toEqual({ kind: 'ended' });
    expect(opened).toBe(1);
    expect(sent[0]!.headers).toEqual({ accept: 'text/event-stream', 'last-event-id': '6' });
    expect(retries).toEqual([2500]);
    expect(messages).toEqual([{ id: '7', event: 'unseen', data: '{"type":"unseen","unseen":{"missedCalls":1}}' }]);
  });

  it.each([
    ['401', () => new Response('{}', { status: 401 }), { kind: 'refused', status: 401 }],
    ['a page that is not a stream', () => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }), { kind: 'refused', status: 415 }],
    ['no answer', () => Promise.reject(new TypeError('Failed to fetch')), { kind: 'failed' }],
  ])('reports %s', async (_name, answer, expected) => {
    const transport = fetchEventStream('/api/events', async () => answer());
    const end = await transport({ lastEventId: null, signal: new AbortController().signal }, { opened: () => undefined, message: () => undefined, retry: () => undefined, cursor: () => undefined, alive: () => undefined });
    expect(end).toEqual(expected);
  });
});
