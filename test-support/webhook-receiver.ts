/**
 * The application end of the emulator's tests: an HTTP server that records every webhook the emulator
 * sends it (path, parameters from the form or the query, whether X-Twilio-Signature checks out against
 * the account's auth token) and answers with what `respond` returns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export interface Hit {
  /** Without the query. */
  path: string;
  method: string;
  params: Record<string, string>;
  signatureOk: boolean;
}

export interface Answer {
  status?: number;
  type?: string;
  body: string | Buffer;
}

export interface WebhookReceiver {
  origin: string;
  hits: Hit[];
  /** How the application answers; replace it to answer otherwise. The default is an empty <Response/>. */
  respond: (path: string, params: Record<string, string>) => Answer;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(authToken: string): Promise<WebhookReceiver> {
  const receiver = { hits: [] as Hit[] } as WebhookReceiver;
  receiver.respond = () => ({ body: '<Response/>', type: 'text/xml' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', receiver.origin);
      const post = req.method === 'POST';
      const params = post ? Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) : Object.fromEntries(url.searchParams);
      const signature = String(req.headers['x-twilio-signature'] ?? '');
      const signatureOk = twilio.validateRequest(authToken, signature, `${receiver.origin}${req.url}`, post ? params : {});
      receiver.hits.push({ path: url.pathname, method: req.method ?? '', params, signatureOk });
      const answer = receiver.respond(url.pathname, params);
      res.writeHead(answer.status ?? 200, { 'Content-Type': answer.type ?? 'text/xml' }).end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () => new Promise<void>((r) => server.close(() => r()));
  return receiver;
}
