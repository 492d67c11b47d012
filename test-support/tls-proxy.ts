/**
 * A TLS-terminating reverse proxy for tests: what a twilio-mode server sits behind in production (it
 * listens on plain HTTP), so that PUBLIC_BASE_URL can be an https address the browser, `npm run doctor` and
 * the emulator's webhooks reach. Requests and websocket upgrades are passed through unchanged, with the
 * usual X-Forwarded-* headers.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect, type Socket } from 'node:net';

export interface TlsProxy {
  origin: string;
  close(): Promise<void>;
}

export async function startTlsProxy(port: number, targetPort: number, tls: { key: string; cert: string }): Promise<TlsProxy> {
  const forwarded = (req: IncomingMessage) => ({
    ...req.headers,
    'x-forwarded-proto': 'https',
    'x-forwarded-for': req.socket.remoteAddress ?? '',
  });
  const server: Server = createServer(tls, (req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: forwarded(req) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      const headers = Object.entries(forwarded(req)).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `https://localhost:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
