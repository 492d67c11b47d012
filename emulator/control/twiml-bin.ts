/**
 * A local "TwiML Bin": GET/POST /emulator/twiml/say?text=… answers <Say>text</Say>, with {Digits},
 * {From}, {To} and {CallSid} filled in from the request. Handy as a <Gather action> or a REST `Url`
 * when there is no app to write TwiML.
 */
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';

export function fillTemplate(text: string, params: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (typeof params[key] === 'string' ? (params[key] as string) : whole));
}

export function registerTwimlBin(app: FastifyInstance): void {
  const handler = async (req: { query: unknown; body: unknown }, reply: { type(t: string): unknown }) => {
    const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const text = typeof params.text === 'string' ? params.text : 'Hello from the emulator.';
    const response = new twilio.twiml.VoiceResponse();
    response.say(fillTemplate(text, params));
    reply.type('text/xml');
    return response.toString();
  };
  app.get('/emulator/twiml/say', handler);
  app.post('/emulator/twiml/say', handler);
}
