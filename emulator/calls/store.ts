/**
 * Every call the emulator keeps, by CallSid. The only place that adds or forgets calls: everyone
 * else reads through these lookups.
 */
import type { SignalingSession } from '../signaling/session';
import type { Call } from './call';

/**
 * Finished calls are forgotten, oldest first, beyond this many calls in all (Twilio keeps them for its
 * REST API for good; an emulator open all day must not grow with every call). Live calls are never
 * forgotten.
 */
export const MAX_KEPT_CALLS = 300;

export class CallStore {
  private readonly calls = new Map<string, Call>();
  private forgottenCount = 0;

  constructor(private readonly limit = MAX_KEPT_CALLS) {}

  add(call: Call): void {
    this.calls.set(call.sid, call);
    if (this.calls.size > this.limit) {
      for (const [sid, c] of this.calls) {
        if (this.calls.size <= this.limit) break;
        if (c.isOver) {
          this.calls.delete(sid);
          this.forgottenCount++;
        }
      }
    }
  }

  get size(): number {
    return this.calls.size;
  }

  /** The most calls kept once they are finished. */
  get keepsAtMost(): number {
    return this.limit;
  }

  /** Finished calls forgotten so far to stay within the limit. */
  get forgotten(): number {
    return this.forgottenCount;
  }

  get(sid: string): Call | undefined {
    return this.calls.get(sid);
  }

  /** Oldest first. */
  values(): IterableIterator<Call> {
    return this.calls.values();
  }

  active(): Call[] {
    return [...this.calls.values()].filter((c) => !c.isOver);
  }

  childrenOf(sid: string): Call[] {
    return [...this.calls.values()].filter((c) => c.parentSid === sid);
  }

  /** Live SDK legs whose signaling is this session. */
  sdkCallsOf(session: SignalingSession): Call[] {
    return [...this.calls.values()].filter((c) => !c.isOver && c.endpoint.kind === 'client' && c.endpoint.session === session);
  }

  /** The session's live SDK leg, by its CallSid or by the temporary id the SDK invited with. */
  sdkCall(session: SignalingSession, callsid: string): Call | undefined {
    return this.sdkCallsOf(session).find((c) => c.sid === callsid || (c.endpoint.kind === 'client' && c.endpoint.sdkCallId === callsid));
  }

  /** The live call an SDK reconnect (invite with a reconnect token) resumes. */
  byReconnectToken(token: string): Call | undefined {
    return [...this.calls.values()].find((c) => c.reconnectToken === token && !c.isOver);
  }
}
