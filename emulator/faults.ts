/**
 * Fault injection for resilience tests: a signaling socket drops, an access token expires or is
 * revoked, the media path of a call goes dark for a while.
 */
import type { AccountRegistry } from './account';
import type { Call } from './calls/call';
import type { CallStore } from './calls/store';
import type { MediaLeg } from './media/types';
import type { SessionFilter, SessionRegistry } from './signaling/sessions';

export interface FaultDeps {
  account: Pick<AccountRegistry, 'revokeToken'>;
  sessions: Pick<SessionRegistry, 'matching'>;
  calls: Pick<CallStore, 'values'>;
}

/** Calls by SID, or every call facing an SDK identity. */
export interface CallFilter {
  identity?: string;
  callSid?: string;
}

export class Faults {
  constructor(private readonly deps: FaultDeps) {}

  /** The sockets close without a goodbye, as a network failure would; returns how many. */
  dropSignaling(filter: SessionFilter): number {
    const sessions = this.deps.sessions.matching(filter);
    for (const s of sessions) s.drop();
    return sessions.length;
  }

  /** The tokens of these sessions expire now (31205), as if their `exp` had passed. */
  expireTokens(filter: SessionFilter): number {
    return this.deps.sessions.matching(filter).filter((s) => s.expireToken()).length;
  }

  /** The tokens of these sessions are refused from now on (31204) and their sockets closed. */
  revokeTokens(filter: SessionFilter): number {
    const sessions = this.deps.sessions.matching(filter).filter((s) => s.jwt !== null);
    for (const s of sessions) {
      this.deps.account.revokeToken(s.jwt!);
      s.revokeToken();
    }
    return sessions.length;
  }

  /** Every datagram of these calls' media endpoints is dropped for `ms`; returns their CallSids. */
  blockMedia(filter: CallFilter, ms: number): string[] {
    const legs = this.mediaLegsFor(filter);
    for (const { call, leg } of legs) {
      leg.blockMedia(ms);
      call.log('media', `media blocked for ${ms} ms (fault injection)`);
    }
    return legs.map(({ call }) => call.sid);
  }

  /** Live calls whose media endpoint faces this SDK identity, or the call itself. */
  private mediaLegsFor(filter: CallFilter): { call: Call; leg: MediaLeg }[] {
    const found: { call: Call; leg: MediaLeg }[] = [];
    for (const call of this.deps.calls.values()) {
      if (call.isOver || !call.media) continue;
      const bySid = filter.callSid !== undefined && call.sid === filter.callSid;
      const byIdentity = filter.identity !== undefined && call.endpoint.kind === 'client' && call.endpoint.identity === filter.identity;
      if (bySid || byIdentity) found.push({ call, leg: call.media });
    }
    return found;
  }
}
