/**
 * Messages healed from Twilio's Messages list (to and from the team number), where the calls are healed
 * (history/heal.ts): a text that reached the team number while its webhook could not be stored is
 * created; a sent text's state moves forward (never back) when its callbacks were lost; a text stored
 * before sending whose SID could not be written is linked to Twilio's by number, body and time.
 */
import type { MessageStatus } from '../../contracts/api/messages';
import type { MessagesRepository } from './repository';
import { isMessageStatus } from './rules';

/** One message of Twilio's list, as healing reads it. */
export interface RestMessage {
  sid: string;
  direction: string;
  from: string;
  to: string;
  body: string;
  status: string;
  errorCode: number | null;
  dateCreated: Date | null;
}

export interface PendingText {
  ref: string;
  peer: string;
  body: string;
  at: Date;
}

export type MessageRepair =
  | { kind: 'receive'; message: RestMessage }
  | { kind: 'advance'; sid: string; status: MessageStatus; errorCode: number | null }
  | { kind: 'adopt'; sid: string; ref: string; status: MessageStatus; errorCode: number | null };

/** Our clock and Twilio's may differ a little; a text is created at Twilio after it is stored here. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** What to repair, given Twilio's list, the SIDs stored here and the texts waiting for a SID. Pure. */
export function planMessageRepairs(listed: readonly RestMessage[], teamNumber: string, known: ReadonlySet<string>, pending: readonly PendingText[]): MessageRepair[] {
  const repairs: MessageRepair[] = [];
  const waiting = [...pending];
  // Oldest first, so two identical texts to one number are matched in the order they were sent.
  const ordered = [...listed].sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0));
  for (const m of ordered) {
    if (m.direction === 'inbound') {
      if (m.to === teamNumber && !known.has(m.sid)) repairs.push({ kind: 'receive', message: m });
      continue;
    }
    if (m.from !== teamNumber || !isMessageStatus(m.status) || m.status === 'received') continue;
    if (known.has(m.sid)) {
      repairs.push({ kind: 'advance', sid: m.sid, status: m.status, errorCode: m.errorCode });
      continue;
    }
    const created = m.dateCreated?.getTime() ?? Date.now();
    const match = waiting.findIndex((p) => p.peer === m.to && p.body === m.body && p.at.getTime() <= created + CLOCK_SKEW_MS);
    if (match < 0) continue;
    const [text] = waiting.splice(match, 1);
    repairs.push({ kind: 'adopt', sid: m.sid, ref: text!.ref, status: m.status, errorCode: m.errorCode });
  }
  return repairs;
}

export interface MessageHealResult {
  listed: number;
  changed: number;
}

/** Reads Twilio's list from `since` and applies the repairs; each is one write, folded like a callback. */
export async function healMessages(repo: MessagesRepository, listed: readonly RestMessage[], teamNumber: string, since: Date): Promise<MessageHealResult> {
  const known = new Set<string>();
  for (const m of listed) if (await repo.known(m.sid)) known.add(m.sid);
  const repairs = planMessageRepairs(listed, teamNumber, known, await repo.pendingSince(new Date(since.getTime() - CLOCK_SKEW_MS)));
  let changed = 0;
  for (const r of repairs) {
    if (r.kind === 'receive') {
      const m = r.message;
      if (await repo.receive({ sid: m.sid, from: m.from, body: m.body, media: [], ...(m.dateCreated ? { at: m.dateCreated } : {}) })) changed++;
    } else if (await repo.status(r.sid, { status: r.status, errorCode: r.errorCode }, r.kind === 'adopt' ? r.ref : undefined)) {
      changed++;
    } else if (r.kind === 'adopt') {
      changed++;
    }
  }
  return { listed: listed.length, changed };
}
