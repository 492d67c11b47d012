import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionOverrides, requestWebhook } from './webhook';

describe('connectionOverrides (Twilio URL fragment)', () => {
  const cases: [string, ReturnType<typeof connectionOverrides>][] = [
    ['https://a.example/v', { url: 'https://a.example/v' }],
    ['https://a.example/v?x=1#rt=3000', { url: 'https://a.example/v?x=1', idleTimeoutMs: 3000 }],
    ['https://a.example/v#ct=500&rt=3000', { url: 'https://a.example/v', idleTimeoutMs: 500 }],
    ['https://a.example/v#tt=4000&rc=2&rp=all', { url: 'https://a.example/v', totalTimeoutMs: 4000 }],
    // Only shorter than the default, and only whole milliseconds.
    ['https://a.example/v#rt=60000', { url: 'https://a.example/v' }],
    ['https://a.example/v#rt=0&tt=abc', { url: 'https://a.example/v' }],
    ['https://a.example/v#', { url: 'https://a.example/v' }],
  ];
  it.each(cases)('%s', (url, expected) => {
    expect(connectionOverrides(url, 15_000)).toEqual(expected);
  });
});

describe('requestWebhook timeouts', () => {
  let server: http.Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = null;
  });

  it('a slow application fails with 11205 after the fragment timeout; the fragment is not sent', async () => {
    const paths: string[] = [];
    server = http.createServer((req) => {
      paths.push(req.url ?? '');
      // Never answers.
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const result = await requestWebhook(
      { url: `http://127.0.0.1:${port}/slow?a=1#rt=200`, method: 'POST', params: { CallSid: 'CA1' } },
      { authToken: 'x'.repeat(32), timeoutMs: 15_000 },
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? 0 : result.code).toBe(11205);
    expect(result.url).toBe(`http://127.0.0.1:${port}/slow?a=1`);
    expect(paths).toEqual(['/slow?a=1']);
  });
});
