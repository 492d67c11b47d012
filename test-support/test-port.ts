/** A plain HTTP server for a test's own pages or files, on a port of its own range. */
import http from 'node:http';

/** Ports the media tests may listen on (getUserMedia needs a secure context: http://127.0.0.1 is one). */
const PAGE_PORTS = [3401, 3402, 3403, 3404, 3405, 3406, 3407, 3408, 3409];

/** Listens on the first free port of this module's range. */
export async function listenOnTestPort(handler: http.RequestListener): Promise<http.Server> {
  for (const port of PAGE_PORTS) {
    const server = http.createServer(handler);
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return server;
  }
  throw new Error(`No free port in ${PAGE_PORTS[0]}-${PAGE_PORTS.at(-1)}`);
}
