/**
 * What a call's conference callbacks say for its history (pure, part of fold.ts): who took part and when
 * the conversation ended. A call moved into a conference is over when the conference ends or every leg
 * that joined has left, not when one leg (the first user, after a transfer) hangs up.
 */
import type { CallFact } from './facts';

type ConferenceFact = Extract<CallFact, { kind: 'conference' }>;
type HandoverFact = Extract<CallFact, { kind: 'handover' }>;

export interface ConferenceSummary {
  /** Everyone who joined (client:<user> or a number), in the order they first joined. */
  parties: string[];
  /** When the conversation ended; null while it goes on. */
  endedAt: Date | null;
}

const ms = (f: { at: string }) => Date.parse(f.at);

/** null when the call never moved into a conference. */
export function summariseConference(facts: readonly CallFact[]): ConferenceSummary | null {
  const conf = facts.filter((f): f is ConferenceFact => f.kind === 'conference');
  if (conf.length === 0) return null;
  const joins = conf.filter((f) => f.event === 'join');
  const firstJoin = new Map<string, number>();
  for (const j of joins) if (j.party !== '') firstJoin.set(j.party, Math.min(firstJoin.get(j.party) ?? Infinity, ms(j)));
  const parties = [...firstJoin.entries()].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0)).map(([p]) => p);

  const end = conf.filter((f) => f.event === 'end');
  const leaves = conf.filter((f) => f.event === 'leave');
  const joinedLegs = new Set(joins.map((j) => j.leg));
  const allLeft = joinedLegs.size > 0 && [...joinedLegs].every((leg) => leaves.some((l) => l.leg === leg));
  let endedAt: Date | null = null;
  if (end.length > 0) endedAt = new Date(Math.min(...end.map(ms)));
  else if (allLeft) endedAt = new Date(Math.max(...leaves.map(ms)));
  return { parties, endedAt };
}

export interface TransferSummary {
  /** The colleague (client:<user>) or number the call was last handed to. */
  transferredTo: string;
  transferredBy: string | null;
  /** The colleague who took it; null for a number. */
  user: string | null;
}

/** The last handover of the call; on a tie, the first in key order (callers pass facts sorted by key). */
export function lastTransfer(facts: readonly CallFact[]): TransferSummary | null {
  let last: HandoverFact | undefined;
  for (const f of facts) if (f.kind === 'handover' && (last === undefined || ms(f) > ms(last))) last = f;
  if (!last) return null;
  const user = last.user !== '' ? last.user : null;
  return { transferredTo: user !== null ? `client:${user}` : (last.number ?? ''), transferredBy: last.by ?? null, user };
}
