/**
 * SDK registrations being rung by a <Dial> (or a REST call to a client), by session and CallSid:
 * how the SDK's answer, reject or hangup for a call it was invited to reaches the ringer.
 */
import type { RaceEvent } from '../twiml/interpreter';

export interface ForkOwner {
  event(e: RaceEvent): void;
  sdkAnswered(forkId: string, sdp: string): Promise<void>;
}

export const forkId = (sessionId: string, callSid: string): string => `${sessionId}|${callSid}`;

export class RingingForks {
  private readonly forks = new Map<string, ForkOwner>();

  set(id: string, owner: ForkOwner): void {
    this.forks.set(id, owner);
  }

  delete(id: string): void {
    this.forks.delete(id);
  }

  get size(): number {
    return this.forks.size;
  }

  get(id: string): ForkOwner | undefined {
    return this.forks.get(id);
  }

  /** The forks ringing on this session, for when its socket closes (live: a fork released meanwhile is skipped). */
  *ofSession(sessionId: string): Generator<[id: string, owner: ForkOwner]> {
    for (const entry of this.forks) {
      if (entry[0].startsWith(sessionId + '|')) yield entry;
    }
  }
}
