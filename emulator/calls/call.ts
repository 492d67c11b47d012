/** One Twilio call (one leg, one CallSid) and what the console and the REST API show about it. */
import { randomBytes } from 'node:crypto';
import type { Bridge, LegMediaStats, MediaLeg } from '../media/types';
import { newSid } from '../sid';
import type { SignalingSession } from '../signaling/session';
import type { StatusCallbackSpec } from '../twiml/verbs';

export type CallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallDirection = 'inbound' | 'outbound-api' | 'outbound-dial';
export const FINAL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

export type CallEventKind = 'status' | 'signaling' | 'webhook' | 'twiml' | 'verb' | 'media' | 'digits' | 'error' | 'info';
export interface CallEvent {
  at: string;
  kind: CallEventKind;
  text: string;
  detail?: unknown;
}

/** Who is at the far end of this leg, from Twilio's point of view. */
export type Endpoint =
  | { kind: 'client'; identity: string; session: SignalingSession | null; sdkCallId: string | null }
  | { kind: 'phone'; number: string };

export class Call {
  readonly sid = newSid('CA');
  readonly createdAt = new Date();
  status: CallStatus = 'queued';
  startTime: Date | null = null;
  answeredAt: Date | null = null;
  endTime: Date | null = null;
  readonly events: CallEvent[] = [];
  media: MediaLeg | null = null;
  /**
   * What the media leg measured by the end of the call. A finished call keeps these figures rather than
   * its closed leg (werift's connection with its buffers, ~100 kB), since finished calls are kept by the
   * hundred for the console and the REST API.
   */
  finalMedia: LegMediaStats | null = null;
  /** False when the media leg belongs to someone else (a console-operated phone keeps its leg between calls). */
  ownsMedia = true;
  /** The SDP we last gave the SDK on this leg, repeated when its signaling reconnects. */
  localSdp = '';
  /** Whether the SDK has been told this call's real CallSid (ringing/answer/invite). */
  sdkKnowsSid = false;
  readonly reconnectToken = randomBytes(24).toString('base64url');
  peer: Call | null = null;
  bridge: Bridge | null = null;
  statusCallback: StatusCallbackSpec | null = null;
  callbackSequence = 0;
  applicationSid: string | null = null;
  /** Extra form parameters for the first webhook (custom SDK params and grant params). */
  customParams: Record<string, string> = {};
  /** Aborts the TwiML currently running on this call (hangup, REST redirect). */
  runAbort = new AbortController();
  /**
   * Set while something other than this call's own TwiML holds it (a <Dial> child in its bridge, a
   * Participants API leg in its conference): a REST redirect calls it to let go before new TwiML runs.
   */
  onRedirect: (() => void) | null = null;
  /** Everything that wants the digits this leg's party presses (Gather, hangupOnStar). */
  readonly digitListeners = new Set<(digit: string) => void>();
  /** Resolves once the leg's media endpoint has answered the SDK's offer. */
  mediaReady: Promise<void> = Promise.resolve();
  signalingLostTimer: NodeJS.Timeout | null = null;
  readonly timing: { inviteAt?: number; answerSentAt?: number; ringingSentAt?: number } = {};
  private endedResolve!: () => void;
  readonly ended: Promise<void> = new Promise((resolve) => { this.endedResolve = resolve; });

  constructor(
    readonly accountSid: string,
    readonly from: string,
    readonly to: string,
    readonly direction: CallDirection,
    public endpoint: Endpoint,
    readonly parentSid: string | null = null,
  ) {}

  get isOver(): boolean {
    return FINAL_STATUSES.includes(this.status);
  }

  get durationSeconds(): number | null {
    if (!this.endTime) return null;
    return this.answeredAt ? Math.round((this.endTime.getTime() - this.answeredAt.getTime()) / 1000) : 0;
  }

  log(kind: CallEventKind, text: string, detail?: unknown): void {
    this.events.push({ at: new Date().toISOString(), kind, text, ...(detail !== undefined ? { detail } : {}) });
    if (this.events.length > 500) this.events.splice(0, this.events.length - 500);
  }

  markEnded(): void {
    this.endedResolve();
  }
}
