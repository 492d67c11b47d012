/**
 * One signaling WebSocket from a Voice SDK Device: token handling (listen / updateToken / expiry),
 * registration, heartbeats. Call messages are handed to the host (./host.ts) once the socket
 * has a valid token.
 */
import { randomUUID } from 'node:crypto';
import type { TokenResult, VerifiedToken } from '../token-verify';
import { HEARTBEAT, parseClientFrame, serialize, type ClientMessage, type ServerMessage } from './protocol';

export interface SessionTransport {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Drops the socket without a closing handshake, as a network failure would. */
  terminate(): void;
}

export type CallMessage = Exclude<ClientMessage, { type: 'listen' } | { type: 'register' }>;

export interface SessionHost {
  verifyToken(jwt: string): TokenResult;
  onCallMessage(session: SignalingSession, message: CallMessage): void;
  onRegistrationChange(session: SignalingSession): void;
  onLog(session: SignalingSession, level: 'info' | 'warn', message: string): void;
  onClosed(session: SignalingSession): void;
}

export interface SessionOptions {
  /** Twilio's gateway sends "\n" well inside the SDK's 15 s silence limit. */
  heartbeatMs?: number;
  /** A socket that sends nothing (not even heartbeat replies) for this long is dead. */
  idleTimeoutMs?: number;
}

export class SignalingSession {
  readonly id = 'WS' + randomUUID().replace(/-/g, '');
  readonly connectedAt = Date.now();
  token: VerifiedToken | null = null;
  /** The access token in force, as sent, so a fault can revoke exactly this one. */
  jwt: string | null = null;
  tokenExpired = false;
  registered = false;
  /** Seconds the SDK asked the gateway to keep its calls while it reconnects (listen.reconnectTimeout). */
  reconnectTimeout = 0;
  userAgent = '';
  closed = false;
  private lastHeard = Date.now();
  private heartbeatTimer: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly transport: SessionTransport, private readonly host: SessionHost, opts: SessionOptions = {}) {
    const heartbeatMs = opts.heartbeatMs ?? 5000;
    const idleTimeoutMs = opts.idleTimeoutMs ?? 30000;
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > idleTimeoutMs) {
        this.host.onLog(this, 'warn', 'signaling socket silent; closing it');
        this.transport.terminate();
        this.handleClose();
        return;
      }
      this.sendRaw(HEARTBEAT);
    }, heartbeatMs);
    this.heartbeatTimer.unref?.();
  }

  get identity(): string | null {
    return this.token?.identity ?? null;
  }

  /** A registered device with a current token is where incoming calls for its identity ring. */
  get reachable(): boolean {
    return !this.closed && this.registered && !!this.token && !this.tokenExpired && this.token.incomingAllow;
  }

  send(message: ServerMessage): void {
    this.sendRaw(serialize(message));
  }

  receive(text: string): void {
    this.lastHeard = Date.now();
    if (text === HEARTBEAT) return;
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      this.sendError(31100, `Malformed request: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'listen') {
      this.listen(message);
      return;
    }
    if (!this.token) {
      this.sendError(31204, 'Token has not been validated yet (send listen first)');
      return;
    }
    if (message.type === 'register') {
      this.register(message.audio);
      return;
    }
    if (this.tokenExpired && message.type === 'invite' && !message.reconnect) {
      this.sendError(31205, 'JWT Token Expired', message.callsid);
      return;
    }
    this.host.onCallMessage(this, message);
  }

  /** The transport closed (by the peer, the network, or us). */
  handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.host.onClosed(this);
  }

  /** Fault injection: the socket vanishes as if the network dropped. */
  drop(): void {
    this.transport.terminate();
    this.handleClose();
  }

  /** Fault injection: the token in force expires now, as its timer would at `exp`. */
  expireToken(): boolean {
    if (this.closed || !this.token || this.tokenExpired) return false;
    this.markExpired();
    return true;
  }

  /**
   * Fault injection: the gateway refuses the token in force (its key was revoked, or the token
   * itself): 31204 and the socket is closed, as a first listen with a bad token is.
   */
  revokeToken(message = 'JWT has been revoked'): void {
    if (this.closed) return;
    this.sendError(31204, message);
    this.host.onLog(this, 'warn', `token revoked: ${message}`);
    this.transport.close(1000, 'Invalid token');
    this.handleClose();
  }

  sendError(code: number, message: string, callsid?: string): void {
    this.send({ type: 'error', payload: { error: { code, message }, ...(callsid ? { callsid } : {}) } });
  }

  private sendRaw(text: string): void {
    if (this.closed) return;
    try {
      this.transport.send(text);
    } catch {
      // A socket that fails to send is closing; its close event finishes the session.
    }
  }

  private listen(message: Extract<ClientMessage, { type: 'listen' }>): void {
    const result = this.host.verifyToken(message.token);
    this.reconnectTimeout = message.reconnectTimeout;
    const info = message.browserinfo as { browser?: { userAgent?: string } } | undefined;
    if (info?.browser?.userAgent) this.userAgent = info.browser.userAgent;
    if (!result.ok) {
      this.sendError(result.error.code, result.error.message);
      this.host.onLog(this, 'warn', `listen refused: ${result.error.code} ${result.error.message}`);
      // A first listen with a bad token ends the socket, as Twilio's gateway does; a bad
      // updateToken on a working socket leaves the old token in force until it expires.
      if (!this.token) this.transport.close(1000, 'Invalid token');
      return;
    }
    const previous = this.token;
    this.token = result.token;
    this.jwt = message.token;
    this.tokenExpired = false;
    this.scheduleExpiry();
    const ttl = Math.max(0, result.token.expiresAt - Math.floor(Date.now() / 1000));
    this.send({ type: 'connected', payload: { token: { identity: result.token.identity, ttl }, region: 'local', edge: 'local' } });
    this.host.onLog(this, 'info', previous ? `token updated (${ttl} s left)` : `connected as ${result.token.identity} (${ttl} s left)`);
    if (previous && this.registered) {
      // The registration outlives a token refresh; confirm it so a device that saw 31205 is sure.
      this.send({ type: 'ready', payload: {} });
      this.host.onRegistrationChange(this);
    }
  }

  private register(audio: boolean): void {
    if (this.tokenExpired) {
      this.sendError(31205, 'Cannot register. Token is expired');
      return;
    }
    if (audio && !this.token!.incomingAllow) {
      this.sendError(31201, 'Token does not allow incoming calls (voice grant incoming.allow)');
      return;
    }
    const changed = this.registered !== audio;
    this.registered = audio;
    this.send(audio ? { type: 'ready', payload: {} } : { type: 'offline', payload: {} });
    if (changed) {
      this.host.onLog(this, 'info', audio ? 'registered' : 'unregistered');
      this.host.onRegistrationChange(this);
    }
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const token = this.token!;
    const ms = token.expiresAt * 1000 - Date.now();
    this.expiryTimer = setTimeout(() => {
      if (this.token !== token || this.closed) return;
      this.markExpired();
    }, Math.max(0, ms));
    this.expiryTimer.unref?.();
  }

  private markExpired(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.tokenExpired = true;
    this.sendError(31205, 'JWT Token Expired');
    this.host.onLog(this, 'warn', 'token expired');
    this.host.onRegistrationChange(this);
  }
}
