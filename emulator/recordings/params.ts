/** The form parameters of a recording status callback, as Twilio sends them for <Record> (pure). */
import type { RecordingStatus } from '../../contracts/emulator/recordings';
import { rfc2822 } from '../rest/shapes';

export interface RecordingCallbackFacts {
  sid: string;
  accountSid: string;
  callSid: string;
  mediaUrl: string;
  status: RecordingStatus;
  startTime: Date;
  durationSeconds: number | null;
  errorCode: number | null;
}

export function recordingStatusParams(r: RecordingCallbackFacts): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: r.accountSid,
    CallSid: r.callSid,
    RecordingSid: r.sid,
    RecordingUrl: r.mediaUrl,
    RecordingStatus: r.status,
    RecordingChannels: '1',
    RecordingSource: 'RecordVerb',
    RecordingStartTime: rfc2822(r.startTime)!,
  };
  // The length is known once the recording is over.
  if (r.status !== 'in-progress') params.RecordingDuration = String(r.durationSeconds ?? 0);
  if (r.errorCode !== null) params.ErrorCode = String(r.errorCode);
  return params;
}
