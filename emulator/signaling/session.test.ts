import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenResult, VerifiedToken } from '../token-verify';
import { parseClientFrame } from './protocol';
import { SignalingSession, type CallMessage, type SessionHost } from './session';

const frame = (type: string, payload: unknown) => JSON.stringify({ type, version: '1.6', payload });

function token(over: Partial<VerifiedToken> = {}): VerifiedToken {
  const now = Math.floor(Date.now() / 1000);
  return {
    identity: 'alice', accountSid: 'AC1', apiKeySid: 'SK1', issuedAt: now, expiresAt: now + 60,
    incomingAllow: true, outgoingApplicationSid: 'AP1', outgoingParams: {}, ...over,
  };
}

function harness(tokens: Record<string, TokenResult>) {
  const sent: unknown[] = [];
  const raw: string[] = [];
  const transport = { send: (t: string) => { raw.push(t); if (t !== '\n') sent.push(JSON.parse(t)); }, close: vi.fn(), terminate: vi.fn() };
  const calls: CallMessage[] = [];
  const host: SessionHost = {
    verifyToken: (jwt) => tokens[jwt] ?? { ok: false, error: { code: 31204, message: 'JWT is malformed' } },
    onCallMessage: (_s, m) => calls.push(m),
    onRegistrationChange: vi.fn(),
    onLog: () => undefined,
    onClosed: vi.fn(),
  };
  const session = new SignalingSession(transport, host, { heartbeatMs: 5000, idleTimeoutMs: 30000 });
  return { session, sent, raw, transport, calls, host };
}

describe('SignalingSession', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('answers listen with connected (identity and remaining ttl) and register with ready / offline', () => {
    const h = harness({ good: { ok: true, token: token() } });
    h.session.receive(frame('listen', { token: 'good', reconnectTimeout: 0, browserinfo: { browser: { userAgent: 'UA' } } }));
    h.session.receive(frame('register', { media: { audio: true } }));
    expect(h.session.reachable).toBe(true);
    h.session.receive(frame('register', { media: { audio: false } }));
    expect(h.sent).toEqual([
      { type: 'connected', version: '1.6', payload: { token: { identity: 'alice', ttl: 60 }, region: 'local', edge: 'local' } },
      { type: 'ready', version: '1.6', payload: {} },
      { type: 'offline', version: '1.6', payload: {} },
    ]);
    expect(h.session.reachable).toBe(false);
    expect(h.session.userAgent).toBe('UA');
  });

  it('fault: expireToken sends 31205 and makes the device unreachable until a fresh listen', () => {
    const h = harness({ good: { ok: true, token: token() }, fresh: { ok: true, token: token({ expiresAt: Math.floor(Date.now() / 1000) + 600 }) } });
    h.session.receive(frame('listen', { token: 'good', reconnectTimeout: 0 }));
    h.session.receive(frame('register', { media: { audio: true } }));
    expect(h.session.expireToken()).toBe(true);
    expect(h.session.expireToken()).toBe(false);
    expect(h.sent.at(-1)).toEqual({ type: 'error', version: '1.6', payload: { error: { code: 31205, message: 'JWT Token Expired' } } });
    expect(h.session.reachable).toBe(false);
    // The original expiry timer no longer fires a second 31205.
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(20_000);
      h.session.receive('\n'); // heartbeat replies keep the socket alive
    }
    expect(h.sent.filter((m) => (m as { type: string }).type === 'error')).toHaveLength(1);
    h.session.receive(frame('listen', { token: 'fresh', reconnectTimeout: 0 }));
    expect(h.session.reachable).toBe(true);
  });

  it('fault: revokeToken sends 31204 and closes the socket', () => {
    const h = harness({ good: { ok: true, token: token() } });
    h.session.receive(frame('listen', { token: 'good', reconnectTimeout: 0 }));
    expect(h.session.jwt).toBe('good');
    h.session.revokeToken();
    expect(h.sent.at(-1)).toEqual({ type: 'error', version: '1.6', payload: { error: { code: 31204, message: 'JWT has been revoked' } } });
    expect(h.transport.close).toHaveBeenCalled();
    expect(h.session.closed).toBe(true);
    expect(h.host.onClosed).toHaveBeenCalledTimes(1);
  });

  it('refuses anything before a valid listen with 31204, and closes on a bad first token', () => {
    const h = harness({});
    h.session.receive(frame('register', { media: { audio: true } }));
    h.session.receive(frame('listen', { token: 'bad' }));
    expect(h.sent).toEqual([
      { type: 'error', version: '1.6', payload: { error: { code: 31204, message: 'Token has not been validated yet (send listen first)' } } },
      { type: 'error', version: '1.6', payload: { error: { code: 31204, message: 'JWT is malformed' } } },
    ]);
    expect(h.transport.close).toHaveBeenCalled();
  });

  it('keeps the old token when an updateToken carries a bad one', () => {
    const h = harness({ good: { ok: true, token: token() } });
    h.session.receive(frame('listen', { token: 'good' }));
    h.session.receive(frame('listen', { token: 'bad' }));
    expect(h.transport.close).not.toHaveBeenCalled();
    expect(h.session.identity).toBe('alice');
  });

  it('sends 31205 when the token expires and keeps the registration across updateToken', () => {
    const fresh = token({ expiresAt: Math.floor(Date.now() / 1000) + 600 });
    const h = harness({ short: { ok: true, token: token({ expiresAt: Math.floor(Date.now() / 1000) + 10 }) }, fresh: { ok: true, token: fresh } });
    h.session.receive(frame('listen', { token: 'short' }));
    h.session.receive(frame('register', { media: { audio: true } }));
    vi.advanceTimersByTime(10_000);
    expect(h.sent.at(-1)).toEqual({ type: 'error', version: '1.6', payload: { error: { code: 31205, message: 'JWT Token Expired' } } });
    expect(h.session.reachable).toBe(false);
    h.session.receive(frame('register', { media: { audio: true } }));
    expect(h.sent.at(-1)).toMatchObject({ type: 'error', payload: { error: { code: 31205 } } });
    h.session.receive(frame('invite', { callsid: 'TJ1', sdp: 'v=0', twilio: {} }));
    expect(h.calls).toEqual([]);
    h.session.receive(frame('listen', { token: 'fresh' }));
    expect(h.sent.slice(-2)).toEqual([
      { type: 'connected', version: '1.6', payload: { token: { identity: 'alice', ttl: 590 }, region: 'local', edge: 'local' } },
      { type: 'ready', version: '1.6', payload: {} },
    ]);
    expect(h.session.reachable).toBe(true);
  });

  it('sends heartbeats and drops a socket that stays silent', () => {
    const h = harness({ good: { ok: true, token: token({ expiresAt: Math.floor(Date.now() / 1000) + 3600 }) } });
    h.session.receive(frame('listen', { token: 'good' }));
    vi.advanceTimersByTime(5000);
    expect(h.raw.at(-1)).toBe('\n');
    h.session.receive('\n');
    vi.advanceTimersByTime(29_000);
    expect(h.transport.terminate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(h.transport.terminate).toHaveBeenCalled();
    expect(h.host.onClosed).toHaveBeenCalledWith(h.session);
  });

  it('hands call messages to the host once authenticated and reports malformed frames as 31100', () => {
    const h = harness({ good: { ok: true, token: token() } });
    h.session.receive(frame('listen', { token: 'good' }));
    h.session.receive(frame('invite', { callsid: 'TJ1', sdp: 'v=0', twilio: { params: 'To=%2B1202' } }));
    h.session.receive(frame('hangup', { callsid: 'CA1' }));
    h.session.receive('{not json');
    h.session.receive(frame('answer', { callsid: 'CA1' }));
    expect(h.calls).toEqual([
      { type: 'invite', callsid: 'TJ1', sdp: 'v=0', params: 'To=%2B1202' },
      { type: 'hangup', callsid: 'CA1' },
    ]);
    expect(h.sent.slice(-2)).toEqual([
      { type: 'error', version: '1.6', payload: { error: { code: 31100, message: 'Malformed request: Frame is not JSON' } } },
      { type: 'error', version: '1.6', payload: { error: { code: 31100, message: 'Malformed request: answer needs sdp' } } },
    ]);
  });

  it('refuses to register for incoming calls without the incoming grant', () => {
    const h = harness({ good: { ok: true, token: token({ incomingAllow: false }) } });
    h.session.receive(frame('listen', { token: 'good' }));
    h.session.receive(frame('register', { media: { audio: true } }));
    expect(h.sent.at(-1)).toMatchObject({ type: 'error', payload: { error: { code: 31201 } } });
    expect(h.session.registered).toBe(false);
  });
});

describe('parseClientFrame', () => {
  it.each([
    [frame('listen', { token: 't', reconnectTimeout: 5 }), { type: 'listen', token: 't', reconnectTimeout: 5, browserinfo: undefined }],
    [frame('register', { media: { audio: true } }), { type: 'register', audio: true }],
    [frame('invite', { callsid: 'CA1', sdp: 's', reconnect: 'r', twilio: {} }), { type: 'invite', callsid: 'CA1', sdp: 's', params: '', reconnect: 'r' }],
    [frame('reinvite', { callsid: 'CA1', sdp: 's' }), { type: 'reinvite', callsid: 'CA1', sdp: 's' }],
    [frame('dtmf', { callsid: 'CA1', dtmf: '12#' }), { type: 'dtmf', callsid: 'CA1', dtmf: '12#' }],
    [frame('reject', { callsid: 'CA1' }), { type: 'reject', callsid: 'CA1' }],
    [frame('hangup', { callsid: 'CA1', message: 'bye' }), { type: 'hangup', callsid: 'CA1', message: 'bye' }],
    [frame('message', { callsid: 'CA1', content: { a: 1 }, messagetype: 'user-defined-message', voiceeventsid: 'KX1' }),
      { type: 'message', callsid: 'CA1', content: { a: 1 }, contenttype: 'application/json', messagetype: 'user-defined-message', voiceeventsid: 'KX1' }],
  ])('parses %s', (text, message) => {
    expect(parseClientFrame(text)).toEqual({ ok: true, message });
  });

  it.each([
    ['[]', /type/], ['"x"', /object/], [frame('listen', {}), /token/], [frame('register', { media: {} }), /media.audio/],
    [frame('invite', { sdp: 's' }), /callsid/], [frame('subscribe', {}), /Unknown/],
  ])('refuses %s', (text, error) => {
    const r = parseClientFrame(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});
