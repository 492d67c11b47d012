/**
 * The Voice SDK's signaling frames ("PStream" protocol 1.6): JSON text `{type, version, payload}`,
 * plus the bare "\n" heartbeat. Parsing checks every field the emulator relies on, so a malformed
 * frame becomes a 31100 error rather than an exception deep inside the signaling host.
 */
export const PSTREAM_VERSION = '1.6';
export const HEARTBEAT = '\n';

export type ClientMessage =
  | { type: 'listen'; token: string; reconnectTimeout: number; browserinfo?: unknown }
  | { type: 'register'; audio: boolean }
  | { type: 'invite'; callsid: string; sdp: string; params: string; reconnect?: string }
  | { type: 'answer'; callsid: string; sdp: string }
  | { type: 'hangup'; callsid: string; message?: string }
  | { type: 'reject'; callsid: string }
  | { type: 'reinvite'; callsid: string; sdp: string }
  | { type: 'dtmf'; callsid: string; dtmf: string }
  | { type: 'message'; callsid: string; content: unknown; contenttype: string; messagetype: string; voiceeventsid: string };

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: string };

const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

export function parseClientFrame(text: string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Frame is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, error: 'Frame is not an object' };
  const { type, payload } = parsed as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string') return { ok: false, error: 'Frame has no type' };
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const need = (...keys: string[]): string | null => {
    const missing = keys.filter((k) => str(p, k) === undefined);
    return missing.length ? `${type} needs ${missing.join(', ')}` : null;
  };
  const bad = (error: string): ParseResult => ({ ok: false, error });
  switch (type) {
    case 'listen': {
      const m = need('token'); if (m) return bad(m);
      const rt = typeof p.reconnectTimeout === 'number' ? p.reconnectTimeout : 0;
      return { ok: true, message: { type, token: str(p, 'token')!, reconnectTimeout: rt, browserinfo: p.browserinfo } };
    }
    case 'register': {
      const media = p.media as { audio?: unknown } | undefined;
      if (!media || typeof media.audio !== 'boolean') return bad('register needs media.audio');
      return { ok: true, message: { type, audio: media.audio } };
    }
    case 'invite': {
      const m = need('callsid', 'sdp'); if (m) return bad(m);
      const twilio = (p.twilio ?? {}) as { params?: unknown };
      const params = typeof twilio.params === 'string' ? twilio.params : '';
      const reconnect = str(p, 'reconnect');
      return { ok: true, message: { type, callsid: str(p, 'callsid')!, sdp: str(p, 'sdp')!, params, ...(reconnect ? { reconnect } : {}) } };
    }
    case 'answer': case 'reinvite': {
      const m = need('callsid', 'sdp'); if (m) return bad(m);
      return { ok: true, message: { type, callsid: str(p, 'callsid')!, sdp: str(p, 'sdp')! } };
    }
    case 'hangup': {
      const m = need('callsid'); if (m) return bad(m);
      const message = str(p, 'message');
      return { ok: true, message: { type, callsid: str(p, 'callsid')!, ...(message ? { message } : {}) } };
    }
    case 'reject': {
      const m = need('callsid'); if (m) return bad(m);
      return { ok: true, message: { type, callsid: str(p, 'callsid')! } };
    }
    case 'dtmf': {
      const m = need('callsid', 'dtmf'); if (m) return bad(m);
      return { ok: true, message: { type, callsid: str(p, 'callsid')!, dtmf: str(p, 'dtmf')! } };
    }
    case 'message': {
      const m = need('callsid', 'messagetype', 'voiceeventsid'); if (m) return bad(m);
      return {
        ok: true,
        message: {
          type, callsid: str(p, 'callsid')!, content: p.content, contenttype: str(p, 'contenttype') ?? 'application/json',
          messagetype: str(p, 'messagetype')!, voiceeventsid: str(p, 'voiceeventsid')!,
        },
      };
    }
    default:
      return bad(`Unknown message type "${type}"`);
  }
}

/** Parameters of an incoming call as the SDK exposes them in `call.parameters`. */
export interface InviteParameters {
  CallSid: string;
  AccountSid: string;
  From: string;
  To: string;
  ApiVersion: string;
  /** Custom parameters (<Client><Parameter>) as a query string; the SDK parses them into customParameters. */
  Params?: string;
}

export type ServerMessage =
  | { type: 'connected'; payload: { token: { identity: string; ttl: number }; region: string; edge: string } }
  | { type: 'ready'; payload: Record<string, never> }
  | { type: 'offline'; payload: Record<string, never> }
  | { type: 'invite'; payload: { callsid: string; sdp: string; parameters: InviteParameters; reconnect: string } }
  | { type: 'ringing'; payload: { callsid: string; sdp?: string } }
  | { type: 'answer'; payload: { callsid: string; sdp: string; reconnect?: string } }
  | { type: 'cancel'; payload: { callsid: string } }
  | { type: 'hangup'; payload: { callsid: string; error?: { code: number; message: string } } }
  | { type: 'ack'; payload: { acktype: string; callsid: string; voiceeventsid: string } }
  | { type: 'message'; payload: { callsid: string; content: unknown; contenttype: string; messagetype: string; voiceeventsid: string } }
  | { type: 'error'; payload: { error: { code: number; message: string }; callsid?: string; voiceeventsid?: string } };

export function serialize(message: ServerMessage): string {
  return JSON.stringify({ type: message.type, version: PSTREAM_VERSION, payload: message.payload });
}
