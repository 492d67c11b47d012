/** The Voice SDK devices connected to the emulator's signaling, by session id. */
import type { SignalingSession } from './session';

/** Every session of an identity, or one session (either may be left out, not both). */
export interface SessionFilter {
  identity?: string;
  sessionId?: string;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SignalingSession>();

  add(session: SignalingSession): void {
    this.sessions.set(session.id, session);
  }

  remove(session: SignalingSession): void {
    this.sessions.delete(session.id);
  }

  values(): IterableIterator<SignalingSession> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Where a call to this identity rings. */
  reachable(identity: string): SignalingSession[] {
    return [...this.sessions.values()].filter((s) => s.reachable && s.identity === identity);
  }

  matching(filter: SessionFilter): SignalingSession[] {
    return [...this.sessions.values()].filter((s) =>
      (!!filter.sessionId && s.id === filter.sessionId) || (!!filter.identity && s.identity === filter.identity));
  }
}
