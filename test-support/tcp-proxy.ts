/**
 * One address in front of several server replicas, as a load balancer would put them: a TCP proxy that
 * hands each new connection to the next replica in turn (TLS passes through untouched, so the replicas'
 * own certificate is what clients see). Enough to show replicas behaving as one; not a production balancer.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections handed to each backend so far, in the order of `backends`. */
  handed: number[];
  close(): Promise<void>;
}

export function startTcpProxy(port: number, backends: number[]): Promise<TcpProxy> {
  const handed = backends.map(() => 0);
  const sockets = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer((client) => {
    const i = next++ % backends.length;
    handed[i]!++;
    const upstream = net.connect(backends[i]!, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port,
        handed,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
