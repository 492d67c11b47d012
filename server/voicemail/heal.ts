/**
 * Voicemail healing: a recording status callback lost while the database was down (Twilio does not retry
 * a 5xx) leaves a message at Twilio that nobody sees. The history's healer (history/heal.ts) reads
 * Twilio's Recordings list over the same window as its Calls list and hands over the recordings of calls to
 * the team number; those without a voicemail row are recorded as the callback would have, so the message
 * appears (live) and its call becomes a voicemail. A deleted voicemail keeps its row, so it never comes back.
 */
import type { Db } from '../store/database';
import { isMessage } from '../history/facts';
import type { RecordingFact, VoicemailRepository } from './repository';

/** A recording as Twilio's REST Recordings list shows it. */
export interface RestRecording {
  sid: string;
  callSid: string;
  status: string;
  /** Seconds; null while in progress (Twilio says -1). */
  duration: number | null;
  startTime: Date | null;
  /** RecordVerb for <Record>; others (a conference's, a dial's) are not voicemail. */
  source: string;
}

/** The recording as the fact its status callback would have been. */
export function restRecordingFact(r: RestRecording, healedAt: Date): RecordingFact {
  return { kind: 'recording', call: r.callSid, at: (r.startTime ?? healedAt).toISOString(), from: '', to: '', recording: r.sid, status: r.status.toLowerCase(), duration: r.duration };
}

/** Records the messages among `recordings` of `teamCalls` that have no voicemail row yet; returns how many. */
export async function healVoicemails(db: Db, voicemails: VoicemailRepository, recordings: readonly RestRecording[], teamCalls: ReadonlySet<string>, healedAt: Date): Promise<number> {
  const facts = recordings
    .filter((r) => r.source === 'RecordVerb' && teamCalls.has(r.callSid))
    .map((r) => restRecordingFact(r, healedAt))
    .filter(isMessage);
  if (facts.length === 0) return 0;
  const known = new Set(
    (await db.selectFrom('voicemails').select('recording_sid').where('recording_sid', 'in', facts.map((f) => f.recording)).execute()).map((r) => r.recording_sid),
  );
  let created = 0;
  for (const fact of facts) {
    if (known.has(fact.recording)) continue;
    if (await voicemails.record(fact)) created++;
  }
  return created;
}
