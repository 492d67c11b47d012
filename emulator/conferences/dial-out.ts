/**
 * Participants API create: dials a new outbound-api leg (a simulated phone, or an SDK client that
 * rings like any incoming call) while its seat in the conference is held; once answered the call
 * joins. The leg has no TwiML of its own, so it stays until it hangs up, is redirected (then it runs
 * the new TwiML), or the conference lets go of it (removed, or ended) — then it is hung up.
 */
import type { ApiCalls } from '../calls/api-calls';
import type { Call } from '../calls/call';
import type { Legs } from '../calls/legs';
import type { StatusCallbackSpec } from '../twiml/verbs';
import type { Conference, Refusal } from './conference';
import type { ConferenceParticipant, ParticipantOptions } from './participant';

export interface AddParticipantInput {
  /** +E.164, or client:identity. */
  to: string;
  from: string;
  /** Custom parameters for a client callee (from `client:alice?key=value`). */
  params: Record<string, string>;
  options: ParticipantOptions;
  /** Seconds to ring. */
  timeout: number;
  /** Seconds the participant's call may last. */
  timeLimit?: number;
  statusCallback?: StatusCallbackSpec;
}

export interface DialOutDeps {
  apiCalls: Pick<ApiCalls, 'create'>;
  legs: Pick<Legs, 'hangupCall'>;
}

export class ConferenceDialer {
  constructor(private readonly deps: DialOutDeps) {}

  add(conference: Conference, input: AddParticipantInput): { call: Call; participant: ConferenceParticipant } | Refusal {
    const refused = conference.seatRefusal(input.options.label);
    if (refused) return { refused };
    let answered = false;
    const call = this.deps.apiCalls.create({
      to: input.to, from: input.from, method: 'POST', timeout: input.timeout,
      ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
      ...(Object.keys(input.params).length ? { params: input.params } : {}),
      join: (c) => {
        answered = true;
        return this.stay(conference, c, input);
      },
    });
    call.log('info', `dialed into conference "${conference.friendlyName}" (${conference.sid}) by the Participants API`);
    const seated = conference.seat(call, input.options);
    if ('refused' in seated) {
      void this.deps.legs.hangupCall(call, undefined, seated.refused.message);
      return seated;
    }
    // Removed, or the conference ended, while still ringing: stop ringing.
    void seated.released.then(() => {
      if (!answered && !call.isOver) void this.deps.legs.hangupCall(call, undefined, 'removed from the conference before answering');
    });
    void call.ended.then(() => {
      if (!answered) conference.leave(call.sid, 'add-failed', call.status);
    });
    return { call, participant: seated };
  }

  /** The answered call in the room, until it leaves one way or another. */
  private async stay(conference: Conference, call: Call, input: AddParticipantInput): Promise<void> {
    const joined = conference.join(call, input.options, 'api');
    if ('refused' in joined) {
      call.log('error', `${joined.refused.code} ${joined.refused.message}`);
      await this.deps.legs.hangupCall(call, undefined, 'could not join the conference');
      return;
    }
    let timer: NodeJS.Timeout | null = null;
    const why = await new Promise<'released' | 'hangup' | 'redirected' | 'time-limit'>((done) => {
      void joined.released.then(() => done('released'));
      void call.ended.then(() => done('hangup'));
      call.onRedirect = () => done('redirected');
      if (input.timeLimit) timer = setTimeout(() => done('time-limit'), input.timeLimit * 1000);
    });
    if (timer) clearTimeout(timer);
    if (call.onRedirect) call.onRedirect = null;
    switch (why) {
      case 'released':
        await this.deps.legs.hangupCall(call, undefined, 'removed from the conference');
        return;
      case 'hangup':
        conference.leave(call.sid, 'hangup', 'completed');
        return;
      case 'redirected':
        conference.leave(call.sid, 'redirected', 'in-progress');
        return;
      case 'time-limit':
        conference.leave(call.sid, 'hangup', 'completed');
        await this.deps.legs.hangupCall(call, undefined, 'timeLimit reached');
    }
  }
}
