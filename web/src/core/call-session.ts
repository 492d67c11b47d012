import type { PhoneEnv } from './env';
import type { LevelFeed } from './levels';
import type { LogStore } from './log';
import { describeError, errorCode, reasonFromError } from './reasons';
import type { PhoneEvent, Problem, Status } from './state';
import type { CallLike, DeviceLike, Listener } from './types';

/** The SDK plays each tone for 160 ms with a gap after it; a little slack on top. */
const DTMF_MS_PER_DIGIT = 250;

/** What a call reports to, and asks of, the phone around it. */
export interface CallHost {
  readonly log: LogStore;
  readonly env: Pick<PhoneEnv, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** Where the SDK's volume events go; null when levels are measured off the main thread (level-taps.ts). */
  readonly levels: LevelFeed | null;
  dispatch(event: PhoneEvent): void;
  /** What the state machine says this call is doing; null once the call has left the state. */
  statusOf(id: string): Status | null;
  /** The call was answered (by this person for an incoming call, by the far end for an outgoing one). */
  answered(session: CallSession): void;
  /** The call is over; reported once, after the session let go of the SDK call. */
  ended(session: CallSession, problem: Problem | null): void;
}

/**
 * One call, from the moment it is dialed or rings until it ends: its SDK `Call` and that call's
 * events turned into state-machine events, the DTMF queue and mute. The controller makes one per
 * call and keeps them by id; everything per call lives here, so a second simultaneous call (call
 * waiting, hold and swap, consult transfer) is a second instance, and per-call controls such as
 * hold are methods here. `id` is the local id the state machine knows the call by.
 */
export class CallSession {
  private call: CallLike | null = null;
  private unwire: (() => void) | null = null;
  private closed = false;
  private dtmfQueue = '';
  private dtmfTimer: unknown = null;
  private parameters: Readonly<Record<string, string>> = {};

  constructor(
    readonly id: string,
    readonly direction: 'incoming' | 'outgoing',
    private readonly host: CallHost,
  ) {}

  /** The SDK has handed the call over (an outgoing call has not until `connect` resolves). */
  get attached(): boolean {
    return this.call !== null;
  }

  /** Kept after the session lets go of the SDK call, so whoever hears of its end can still tell which call it was. */
  get callSid(): string {
    return (this.call?.parameters ?? this.parameters).CallSid ?? '';
  }

  get from(): string {
    return (this.call?.parameters ?? this.parameters).From ?? '';
  }

  /** The call's microphone and far-end streams, once the SDK has them: what its meters measure. */
  streams(): { input: MediaStream | null; output: MediaStream | null } {
    return { input: this.call?.getLocalStream?.() ?? null, output: this.call?.getRemoteStream?.() ?? null };
  }

  /** Places an outgoing call through the Device. */
  async connect(device: DeviceLike, target: string): Promise<void> {
    let call: CallLike;
    try {
      call = await device.connect({ params: { To: target } });
    } catch (error) {
      this.host.log.add(`Call failed to start: ${describeError(error)}`);
      this.end({ reason: reasonFromError(error), detail: describeError(error) });
      return;
    }
    if (this.closed) {
      // Hung up before the SDK handed the call over.
      call.disconnect();
      return;
    }
    this.attach(call);
  }

  accept(): void {
    this.call?.accept();
  }

  reject(): void {
    this.call?.reject();
  }

  /** Stops ringing here and leaves the call to other devices (or the caller's timeout). */
  ignore(): void {
    this.call?.ignore();
    this.end(null);
  }

  hangUp(): void {
    if (this.call) this.call.disconnect();
    else this.end(null);
  }

  toggleMute(): void {
    const { call } = this;
    if (call) call.mute(!call.isMuted());
  }

  /**
   * Sends DTMF. Keys pressed while earlier tones are still playing are queued and sent together:
   * each new RTCDTMFSender.insertDTMF replaces the tones not yet played, so the far end would miss them.
   */
  sendDigits(digits: string): void {
    if (!this.call || this.host.statusOf(this.id) !== 'inCall') return;
    this.dtmfQueue += digits;
    if (this.dtmfTimer === null) this.flushDigits();
  }

  /** Lets go of the SDK call without reporting an end: for sign-out, when the whole phone stops. */
  dispose(): void {
    this.closed = true;
    this.unwire?.();
    this.unwire = null;
    if (this.call) this.parameters = { ...this.call.parameters };
    this.call = null;
    if (this.dtmfTimer !== null) this.host.env.clearTimeout(this.dtmfTimer);
    this.dtmfTimer = null;
    this.dtmfQueue = '';
  }

  /** Takes over the SDK call: from here on its events move the state machine. */
  attach(call: CallLike): void {
    const { host, id } = this;
    const { log } = host;
    this.call = call;
    let pendingProblem: Problem | null = null;
    const outgoing = this.direction === 'outgoing';
    let answered = false;
    const end = (problem: Problem | null) => this.end(problem);
    const handlers: Record<string, Listener> = {
      ringing: () => {
        log.add('Ringing');
        host.dispatch({ type: 'ringing', id });
      },
      accept: () => {
        answered = true;
        log.add(`Call connected ${call.parameters.CallSid ?? ''}`.trim());
        host.answered(this);
        host.dispatch({ type: 'accepted', id, at: host.env.now() });
      },
      reconnecting: (error: unknown) => {
        log.add(`Reconnecting: ${describeError(error)}`);
        host.dispatch({ type: 'reconnecting', id });
      },
      reconnected: () => {
        log.add('Reconnected');
        host.dispatch({ type: 'reconnected', id });
      },
      mute: (muted: boolean) => {
        log.add(muted ? 'Muted' : 'Unmuted');
        host.dispatch({ type: 'muted', id, muted });
      },
      warning: (name: string) => {
        log.add(`Call quality warning: ${name}`);
        host.dispatch({ type: 'warning', id, name });
      },
      'warning-cleared': (name: string) => {
        log.add(`Call quality warning cleared: ${name}`);
        host.dispatch({ type: 'warningCleared', id, name });
      },
      error: (error: unknown) => {
        pendingProblem = { reason: reasonFromError(error), detail: describeError(error) };
        log.add(`Call error ${errorCode(error) ?? ''}: ${describeError(error)}`);
        // Some failures (no microphone) close the call without a 'disconnect' to follow.
        host.env.setTimeout(() => {
          if (call.status() === 'closed') end(pendingProblem);
        }, 0);
      },
      disconnect: () => {
        log.add('Call ended');
        if (answered || !outgoing || pendingProblem) {
          end(pendingProblem);
          return;
        }
        // An outgoing call that ends before it was answered, with no error, went unanswered. But the
        // SDK emits 'disconnect' before the 'error' that explains it when the microphone cannot be
        // opened (blocked, missing), so wait for the rest of this emission before calling it that.
        queueMicrotask(() => end(pendingProblem ?? { reason: 'noAnswer' }));
      },
      cancel: () => {
        log.add('Caller hung up or the call was answered elsewhere');
        end(null);
      },
      reject: () => {
        log.add('Call rejected');
        end(null);
      },
    };
    const { levels } = host;
    if (levels) handlers.volume = (input: number, output: number) => levels.emit(input, output);
    for (const [event, handler] of Object.entries(handlers)) call.on(event, handler);
    this.unwire = () => {
      for (const [event, handler] of Object.entries(handlers)) call.removeListener(event, handler);
    };
  }

  private end(problem: Problem | null): void {
    if (this.closed) return;
    this.dispose();
    this.host.ended(this, problem);
  }

  private flushDigits = (): void => {
    this.dtmfTimer = null;
    const { call } = this;
    const digits = this.dtmfQueue;
    this.dtmfQueue = '';
    if (!call || !digits || this.host.statusOf(this.id) !== 'inCall') return;
    this.host.log.add(`Sending DTMF ${digits}`);
    call.sendDigits(digits);
    // Hold later keys until these tones have been played out.
    this.dtmfTimer = this.host.env.setTimeout(() => {
      this.dtmfTimer = null;
      if (this.dtmfQueue) this.flushDigits();
    }, digits.length * DTMF_MS_PER_DIGIT);
  };
}
