/**
 * Rows of `calls` as the browser sees them (contracts/api/history.ts), and the list's keyset cursor (pure).
 * Whether a missed call is seen depends on who asks, so an event carries the record without `seen` and each
 * stream adds it for its user.
 */
import type { Selectable } from 'kysely';
import type { CallRecord } from '../../contracts/api/history';
import { callCursor, callCursorParts } from '../../contracts/api/history-cursor';
import type { CallsTable } from '../store/schema';
import type { FoldedCall } from './fold';

export type CallRow = Selectable<CallsTable>;
export type SharedCallRecord = Omit<CallRecord, 'seen'>;

export const MISSED_OUTCOMES = ['missed', 'voicemail'] as const;

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function sharedRecord(row: CallRow): SharedCallRecord {
  return {
    id: String(row.id),
    direction: row.direction as CallRecord['direction'],
    from: row.from_number,
    to: row.to_number,
    outcome: row.outcome as CallRecord['outcome'],
    answeredBy: row.answered_by,
    startedAt: row.started_at.toISOString(),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    durationSeconds: row.duration_seconds,
    calledBackBy: row.called_back_by,
    calledBackAt: iso(row.called_back_at),
    ...transferFields(row),
  };
}

/** The call-control fields exist only for calls that were transferred or moved into a conference. */
function transferFields(row: Pick<CallRow, 'transferred_to' | 'transferred_by' | 'parties'>): Pick<CallRecord, 'transferredTo' | 'transferredBy' | 'parties'> {
  return {
    ...(row.transferred_to === null ? {} : { transferredTo: row.transferred_to, transferredBy: row.transferred_by }),
    ...(row.parties.length === 0 ? {} : { parties: row.parties }),
  };
}

export function isMissed(outcome: string | null): boolean {
  return outcome === 'missed' || outcome === 'voicemail';
}

/** For one user: a missed call is seen when it started at or before their watermark; any other call is. */
export function withSeen(r: SharedCallRecord, seenUpTo: Date | null): CallRecord {
  const seen = !isMissed(r.outcome) || (seenUpTo !== null && Date.parse(r.startedAt) <= seenUpTo.getTime());
  // Field by field, in the contract's order (a record read back from JSONB has its keys in another order).
  return {
    id: r.id, direction: r.direction, from: r.from, to: r.to, outcome: r.outcome, answeredBy: r.answeredBy, startedAt: r.startedAt,
    answeredAt: r.answeredAt, endedAt: r.endedAt, durationSeconds: r.durationSeconds, seen, calledBackBy: r.calledBackBy, calledBackAt: r.calledBackAt,
    ...(r.transferredTo === undefined ? {} : { transferredTo: r.transferredTo, transferredBy: r.transferredBy ?? null }),
    ...(r.parties === undefined ? {} : { parties: r.parties }),
  };
}

/** Who an event about this call is for: the team for an inbound call, its two parties otherwise. */
export function audienceOf(row: Pick<CallRow, 'direction' | 'caller_user' | 'callee_user'>): string[] | null {
  if (row.direction === 'inbound') return null;
  return [...new Set([row.caller_user, row.callee_user].filter((u): u is string => u !== null))];
}

/** The folded fields as columns (the team-state columns are not the fold's). */
export function foldedColumns(f: FoldedCall) {
  return {
    call_sid: f.callSid,
    direction: f.direction,
    from_number: f.from,
    to_number: f.to,
    caller_user: f.callerUser,
    callee_user: f.calleeUser,
    outcome: f.outcome,
    answered_by: f.answeredBy,
    started_at: f.startedAt,
    answered_at: f.answeredAt,
    ended_at: f.endedAt,
    duration_seconds: f.durationSeconds,
    transferred_to: f.transferredTo,
    transferred_by: f.transferredBy,
    parties: f.parties,
  };
}

const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

export function sameFold(row: CallRow, f: FoldedCall): boolean {
  const c = foldedColumns(f);
  return (
    row.direction === c.direction && row.from_number === c.from_number && row.to_number === c.to_number &&
    row.caller_user === c.caller_user && row.callee_user === c.callee_user && row.outcome === c.outcome &&
    row.answered_by === c.answered_by && row.duration_seconds === c.duration_seconds && sameTime(row.started_at, c.started_at) &&
    sameTime(row.answered_at, c.answered_at) && sameTime(row.ended_at, c.ended_at) &&
    row.transferred_to === c.transferred_to && row.transferred_by === c.transferred_by && row.parties.join('\n') === c.parties.join('\n')
  );
}

export interface Cursor {
  startedAt: Date;
  id: string;
}

export function encodeCursor(row: Pick<CallRow, 'started_at' | 'id'>): string {
  return callCursor({ startedAt: row.started_at.toISOString(), id: String(row.id) });
}

/** undefined when the text is not a cursor of this server's calls. */
export function decodeCursor(text: string): Cursor | undefined {
  const { startedAt: time, id } = callCursorParts(text) ?? {};
  if (time === undefined || id === undefined || !/^\d{1,18}$/.test(id)) return undefined;
  const startedAt = new Date(time);
  if (Number.isNaN(startedAt.getTime()) || startedAt.toISOString() !== time) return undefined;
  return { startedAt, id };
}
