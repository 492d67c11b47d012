/**
 * The history record of one call, folded from the set of facts known about it (pure). Twilio's callbacks
 * arrive late, twice, or in another order, so the fold depends on the set alone: facts are put in one
 * order first (by key), and every field is chosen by rules (a leg's later SequenceNumber wins, a status
 * callback wins over the REST list, the earliest start wins), never by which fact came first.
 *
 * One record per call as a person sees it: the parent leg (the phone calling the team number, or the
 * browser placing a call) with the legs its <Dial> created. Until a fact names the parent leg's own From
 * and To, the call has no record yet (a dialled leg's callbacks alone do not say who called whom).
 */
import type { CallDirection, CallOutcome } from '../../contracts/api/history';
import { lastTransfer, summariseConference } from './conference';
import { factKey, isMessage } from './facts';
import type { CallFact } from './facts';

export interface FoldedCall {
  callSid: string;
  direction: CallDirection;
  /** E.164, or client:<user>. */
  from: string;
  to: string;
  /** The user who placed an outbound or internal call. */
  callerUser: string | null;
  /** The colleague an internal call was for. */
  calleeUser: string | null;
  outcome: CallOutcome | null;
  answeredBy: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  /** After a transfer: the colleague (client:<user>) or number that took the call, and who handed it on. */
  transferredTo: string | null;
  transferredBy: string | null;
  /** Everyone who took part once the call moved into a conference (client:<user> or a number); else []. */
  parties: string[];
}

type StatusFact = Extract<CallFact, { kind: 'status' }>;
type RestFact = Extract<CallFact, { kind: 'rest' }>;
type VoiceFact = Extract<CallFact, { kind: 'voice' }>;
type DialFact = Extract<CallFact, { kind: 'dial' }>;

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const CLIENT = 'client:';

interface Final {
  status: string;
  at: Date;
  duration: number | null;
  sip: number | null;
}

/** One leg, summarised from its status callbacks (preferred) and its REST records. */
interface Leg {
  sid: string;
  from: string;
  to: string;
  answered: boolean;
  answeredAt: Date | null;
  final: Final | null;
  /** Twilio's call log has this leg ended (the log lists every leg, so it is complete where callbacks may not be). */
  loggedEnd: Date | null;
}

const time = (iso: string): Date => new Date(iso);
const earliest = (dates: (Date | null | undefined)[]): Date | null => {
  const ok = dates.filter((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()));
  return ok.length === 0 ? null : new Date(Math.min(...ok.map((d) => d.getTime())));
};
const minus = (at: Date, seconds: number | null): Date => new Date(at.getTime() - (seconds ?? 0) * 1000);

/** Compares score lists element by element. */
function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The item with the greatest score; on a tie the first, and callers pass facts in key order. */
function best<T>(items: T[], score: (item: T) => number[]): T | undefined {
  let winner: T | undefined;
  let top: number[] = [];
  for (const item of items) {
    const s = score(item);
    if (winner === undefined || compareScores(s, top) > 0) {
      winner = item;
      top = s;
    }
  }
  return winner;
}

function summariseLeg(sid: string, status: StatusFact[], rest: RestFact[]): Leg {
  // Its From/To as its earliest event said them.
  const first = best(status, (f) => [-(f.seq ?? Number.MAX_SAFE_INTEGER), -time(f.at).getTime()]) ?? rest[0];
  const progress = status.filter((f) => f.status === 'in-progress');
  const completed = status.filter((f) => f.status === 'completed');
  const restAnswered = rest.filter((f) => f.status === 'in-progress' || f.status === 'completed');
  const answered = progress.length > 0 || completed.length > 0 || restAnswered.length > 0;
  let answeredAt: Date | null = null;
  if (answered) {
    answeredAt =
      earliest(progress.map((f) => time(f.at))) ??
      earliest(completed.map((f) => minus(time(f.at), f.duration))) ??
      earliest(restAnswered.map((f) => (f.endedAt && f.duration !== null ? minus(time(f.endedAt), f.duration) : f.startedAt ? time(f.startedAt) : null)));
  }
  const finalStatus = best(status.filter((f) => FINAL.has(f.status)), (f) => [f.seq ?? -1, time(f.at).getTime()]);
  const finalRest = best(rest.filter((f) => FINAL.has(f.status)), (f) => [time(f.at).getTime()]);
  const final: Final | null = finalStatus
    ? { status: finalStatus.status, at: time(finalStatus.at), duration: finalStatus.duration, sip: finalStatus.sip }
    : finalRest
      ? { status: finalRest.status, at: time(finalRest.endedAt ?? finalRest.at), duration: finalRest.duration, sip: null }
      : null;
  const loggedEnd = finalRest ? time(finalRest.endedAt ?? finalRest.at) : null;
  return { sid, from: first?.from ?? '', to: first?.to ?? '', answered, answeredAt, final, loggedEnd };
}

/** What a browser asked to call, as the history names it: client:<user> for a name, the number otherwise. */
export function targetOf(to: string): string {
  const t = to.trim();
  if (t.toLowerCase().startsWith(CLIENT)) return `${CLIENT}${t.slice(CLIENT.length).toLowerCase()}`;
  return /^[A-Za-z]/.test(t) ? `${CLIENT}${t.toLowerCase()}` : t;
}

const userOf = (address: string): string | null => (address.toLowerCase().startsWith(CLIENT) ? address.slice(CLIENT.length).toLowerCase() : null);

function unansweredOutcome(status: string | undefined, internal: boolean, sip: number | null): CallOutcome {
  switch (status) {
    case 'busy':
      // A colleague's browser has no busy state: all of its tabs declined. A phone can say so too (SIP 603).
      return internal || sip === 603 ? 'rejected' : 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'canceled':
      return 'canceled';
    default:
      return 'failed';
  }
}

export function foldCall(callSid: string, input: readonly CallFact[]): FoldedCall | null {
  // One order for everything below: by key, each distinct fact once.
  const byKey = new Map<string, CallFact>();
  for (const fact of input) {
    if (fact.call !== callSid) continue;
    // Facts with one key are the same callback; whichever copy came first, the same one is kept.
    const key = factKey(fact);
    const known = byKey.get(key);
    if (known === undefined || JSON.stringify(fact) < JSON.stringify(known)) byKey.set(key, fact);
  }
  const facts = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);

  const voice = best(facts.filter((f): f is VoiceFact => f.kind === 'voice'), (f) => [-time(f.at).getTime()]);
  // A retried action arrives later: the first one counts.
  const dial = best(facts.filter((f): f is DialFact => f.kind === 'dial'), (f) => [FINAL.has(f.dialStatus) || f.dialStatus === 'answered' ? 1 : 0, -time(f.at).getTime()]);
  const statusOf = (sid: string) => facts.filter((f): f is StatusFact => f.kind === 'status' && f.leg === sid);
  const restOf = (sid: string) => facts.filter((f): f is RestFact => f.kind === 'rest' && f.leg === sid);
  const legSids = [...new Set(facts.flatMap((f) => (f.kind === 'status' || f.kind === 'rest' ? [f.leg] : [])))].sort();
  const parent = legSids.includes(callSid) ? summariseLeg(callSid, statusOf(callSid), restOf(callSid)) : undefined;
  const children = legSids.filter((sid) => sid !== callSid).map((sid) => summariseLeg(sid, statusOf(sid), restOf(sid)));

  // Who called whom: the parent leg's own From and To.
  const identity = voice ?? (parent && parent.from !== '' ? parent : undefined) ?? dial;
  if (!identity || identity.from === '') return null;
  const from = identity.from;
  const callerUser = userOf(from);
  const refused = voice?.decision === 'refuse';

  let direction: CallDirection;
  let to: string;
  let calleeUser: string | null = null;
  if (callerUser !== null) {
    to = voice?.target ?? children.find((c) => c.to !== '')?.to ?? targetOf(identity.to);
    calleeUser = userOf(to);
    direction = calleeUser === null ? 'outbound' : 'internal';
  } else {
    direction = 'inbound';
    to = identity.to;
  }

  const answeredChild = best(children.filter((c) => c.answered), (c) => [-(c.answeredAt?.getTime() ?? Number.MAX_SAFE_INTEGER)]);
  const dialAnswered = dial !== undefined && (dial.dialStatus === 'completed' || dial.dialStatus === 'answered');
  const answered = !refused && (answeredChild !== undefined || dialAnswered);

  const startedAt =
    (voice ? time(voice.at) : null) ??
    earliest(facts.map((f) => (f.kind === 'status' && !FINAL.has(f.status) ? time(f.at) : null))) ??
    earliest(facts.map((f) => (f.kind === 'rest' && f.startedAt ? time(f.startedAt) : null))) ??
    earliest(facts.map((f) => minus(time(f.at), f.kind === 'status' || f.kind === 'rest' ? f.duration : f.kind === 'dial' ? f.dialDuration : 0)))!;

  // A caller who left a message has hung up or is being thanked: the call is over for the history.
  const voicemailLeft = facts.some((f) => f.kind === 'recording' && isMessage(f));

  const dialAt = dial ? time(dial.at) : null;
  const onlyChildFinal = direction !== 'inbound' && children.length > 0 && children.every((c) => c.final !== null);
  const childEnd = onlyChildFinal ? earliest(children.map((c) => c.final!.at)) : null;
  // Once in a conference, a leg leaving (the first user after a transfer) does not end the call; its end does.
  const conference = summariseConference(facts);
  const over = conference ? conference.endedAt !== null : parent?.final != null || dial !== undefined || refused || onlyChildFinal || voicemailLeft;

  let outcome: CallOutcome | null = null;
  let answeredAt: Date | null = null;
  let endedAt: Date | null = null;
  let durationSeconds: number | null = null;
  if (answered) {
    answeredAt = answeredChild?.answeredAt ?? (dialAt ? minus(dialAt, dial!.dialDuration) : null);
    if (over && conference) {
      // The whole conversation, whoever took it on: from the first answer to the conference's end.
      outcome = 'answered';
      endedAt = conference.endedAt;
      durationSeconds = answeredAt ? Math.max(0, Math.round((endedAt!.getTime() - answeredAt.getTime()) / 1000)) : null;
    } else if (over) {
      outcome = 'answered';
      endedAt = answeredChild?.final?.at ?? parent?.final?.at ?? dialAt ?? childEnd;
      durationSeconds =
        answeredChild?.final?.duration ??
        dial?.dialDuration ??
        (endedAt && answeredAt ? Math.max(0, Math.round((endedAt.getTime() - answeredAt.getTime()) / 1000)) : null);
    }
  } else if (over) {
    // Without the action, the call log's ends of every rung leg say when the ringing stopped.
    const loggedRingEnd = children.length > 0 && children.every((c) => c.loggedEnd !== null) ? new Date(Math.max(...children.map((c) => c.loggedEnd!.getTime()))) : null;
    endedAt = dialAt ?? childEnd ?? loggedRingEnd ?? parent?.final?.at ?? (voice ? time(voice.at) : null);
    if (direction === 'inbound') outcome = voicemailLeft ? 'voicemail' : 'missed';
    else if (refused) outcome = 'failed';
    else if (children.length === 0 && dial === undefined) outcome = parent?.final?.status === 'canceled' ? 'canceled' : 'failed';
    else {
      const childFinal = best(children.filter((c) => c.final !== null), (c) => [c.final!.at.getTime()])?.final;
      outcome = unansweredOutcome(childFinal?.status ?? dial?.dialStatus ?? parent?.final?.status, direction === 'internal', childFinal?.sip ?? null);
    }
  }

  let answeredBy: string | null = null;
  if (answered && direction === 'internal') answeredBy = calleeUser;
  if (answered && direction === 'inbound') {
    const winner = answeredChild ?? children.find((c) => c.sid === dial?.dialLeg);
    answeredBy = winner ? userOf(winner.to) : null;
  }
  // A transfer hands the call on: whoever took it last answered it, as far as the team is concerned.
  // A number that took it is no user: answeredBy stays the colleague who answered, transferredTo names it.
  const transfer = lastTransfer(facts);
  if (answered && transfer?.user && direction !== 'outbound') answeredBy = transfer.user;

  return {
    callSid,
    direction,
    from,
    to,
    callerUser,
    calleeUser,
    outcome,
    answeredBy,
    startedAt,
    answeredAt,
    endedAt,
    durationSeconds,
    transferredTo: transfer?.transferredTo ?? null,
    transferredBy: transfer?.transferredBy ?? null,
    parties: conference?.parties ?? [],
  };
}
