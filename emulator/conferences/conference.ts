/**
 * One conference at run time: the pure rules of ./state.ts with their effects carried out — status
 * callbacks in order, beeps, participants taken out when it ends — and each participant's audio in the
 * mixer (./audio.ts), with its wait, hold and announcement programs (./program.ts).
 *
 * Whoever brought a participant in holds it: the <Dial><Conference> verb for TwiML participants, the
 * dialer (./dial-out.ts) for Participants API ones. The holder tells the conference when the call
 * leaves (leave), and learns from `released` when the conference lets go of it (kicked, or ended).
 */
import type { Call } from '../calls/call';
import { callFacts, voiceParams } from '../calls/params';
import type { WebhookClient } from '../calls/webhook';
import { beep } from '../media/hold-music';
import { BufferSource } from '../media/sources';
import { FRAME_SAMPLES } from '../media/synth';
import type { PhoneNetwork } from '../phones/network';
import { newSid } from '../sid';
import type { Method } from '../twiml/verbs';
import type { Logger } from '../types';
import { ConferenceAudio, LegAudio, PhoneAudio, RingbackAudio, type MixMember, type ParticipantAudio } from './audio';
import { conferenceCallbackParams } from './callbacks';
import { ConferenceParticipant, seatOf, type ParticipantOptions } from './participant';
import { Program, type ProgramSpec } from './program';
import {
  conferenceStep, hearingOf, newConferenceState, seatRefusal, subscriptionOf, voiceReach,
  type ConferenceEventName, type ConferenceInput, type ConferenceState, type EventSubscription, type LeaveCause, type Seat, type SeatChanges,
} from './state';

export interface ConferenceSettings {
  /** Set by whoever creates the conference (the first participant); later ones are ignored, as at Twilio. */
  statusCallback: { url: string; method: Method; events: EventSubscription[] } | null;
  maxParticipants: number;
}

export interface ParticipantUpdate extends Omit<SeatChanges, 'waitUrl'> {
  holdProgram?: ProgramSpec;
  wait?: ProgramSpec;
  announce?: { spec: ProgramSpec; url: string };
}

export type Refusal = { refused: { code: number; message: string } };

export interface ConferenceDeps {
  accountSid: string;
  webhooks: Pick<WebhookClient, 'request' | 'resolveUrl'>;
  phones: Pick<PhoneNetwork, 'on'>;
  loadAudio(url: string): Promise<Int16Array>;
  log: Logger;
}

export class Conference {
  readonly sid = newSid('CF');
  readonly createdAt = new Date();
  updatedAt = this.createdAt;
  endedAt: Date | null = null;
  state: ConferenceState;
  /** What happened, for the console (newest last). */
  readonly events: { at: string; text: string }[] = [];
  private readonly participants = new Map<string, ConferenceParticipant>();
  private sequence = 0;
  private callbacks: Promise<void> = Promise.resolve();
  private readonly audio: ConferenceAudio;
  private readonly beeps: BufferSource[] = [];
  private roomAnnouncement: Program | null = null;
  private readonly overlayScratch = new Int16Array(FRAME_SAMPLES);

  constructor(
    readonly friendlyName: string,
    readonly settings: ConferenceSettings,
    private readonly deps: ConferenceDeps,
    private readonly onCompleted: (c: Conference) => void,
  ) {
    this.state = newConferenceState(settings.maxParticipants);
    this.audio = new ConferenceAudio(() => this.mixMembers(), (out) => this.overlayFrame(out));
  }

  get status(): ConferenceState['status'] {
    return this.state.status;
  }

  get mixedFrames(): number {
    return this.audio.frames;
  }

  /** A present participant, by CallSid or label. */
  participant(callSidOrLabel: string): ConferenceParticipant | undefined {
    const seat = this.state.seats.find((s) => s.callSid === callSidOrLabel || s.label === callSidOrLabel);
    return seat ? this.participants.get(seat.callSid) : undefined;
  }

  seatOf(callSid: string): Seat | undefined {
    return this.state.seats.find((s) => s.callSid === callSid);
  }

  /** Present participants with their seats, in the order they came. */
  list(): { participant: ConferenceParticipant; seat: Seat }[] {
    return this.state.seats.flatMap((seat) => {
      const participant = this.participants.get(seat.callSid);
      return participant ? [{ participant, seat }] : [];
    });
  }

  /** Whether a participant with this label could take a seat now (the Participants API asks before dialing). */
  seatRefusal(label: string | null): Refusal['refused'] | null {
    return seatRefusal(this.state, label);
  }

  /** An API participant's seat while its call rings. */
  seat(call: Call, options: ParticipantOptions): ConferenceParticipant | Refusal {
    const participant = new ConferenceParticipant(call, options, 'api');
    const step = this.apply({ kind: 'seat', seat: seatOf(call, options) }, participant);
    if (step.refused) return { refused: step.refused };
    if (options.earlyMedia && call.endpoint.kind === 'phone') participant.ringback = new RingbackAudio();
    this.sync();
    return participant;
  }

  /** The call enters the room (TwiML), or an API participant's call was answered. */
  join(call: Call, options: ParticipantOptions, source: 'twiml' | 'api'): ConferenceParticipant | Refusal {
    const seated = this.participants.get(call.sid);
    const participant = seated ?? new ConferenceParticipant(call, options, source);
    const step = this.apply({ kind: 'join', seat: seatOf(call, options) }, participant);
    if (step.refused) return { refused: step.refused };
    participant.joinedAt = new Date();
    participant.ringback = null;
    this.attachAudio(participant);
    call.log('info', `joined conference "${this.friendlyName}" (${this.sid})`);
    this.sync();
    return participant;
  }

  leave(callSid: string, cause: LeaveCause, callStatus: string): void {
    const participant = this.participants.get(callSid);
    if (!participant || !this.seatOf(callSid)) return;
    participant.call.log('info', `left conference "${this.friendlyName}" (${cause})`);
    this.apply({ kind: 'leave', callSid, cause, callStatus });
    this.detach(participant);
    participant.release(cause === 'kicked' ? 'kicked' : 'ended');
    this.sync();
  }

  /** DELETE Participants/{CallSid}: out of the conference; its <Dial> completes (an API participant hangs up). */
  kick(callSid: string): void {
    const participant = this.participants.get(callSid);
    if (!participant) return;
    this.leave(callSid, 'kicked', participant.call.status);
  }

  update(callSid: string, update: ParticipantUpdate): Refusal | null {
    const participant = this.participants.get(callSid);
    if (!participant) return { refused: { code: 20404, message: `No participant ${callSid} in this conference` } };
    const { holdProgram, wait, announce, ...changes } = update;
    if (holdProgram) {
      participant.holdSpec = holdProgram;
      participant.hold?.stop();
      participant.hold = null;
    }
    if (wait) {
      participant.options = { ...participant.options, wait };
      participant.wait?.stop();
      participant.wait = null;
    }
    const step = this.apply({ kind: 'update', callSid, changes: { ...changes, ...(wait ? { waitUrl: true } : {}) } });
    if (step.refused) return { refused: step.refused };
    participant.updatedAt = new Date();
    if (announce) {
      participant.announcement?.stop();
      participant.announcement = this.program(participant, announce.spec, false, (result) => {
        participant.announcement = null;
        this.emitAnnouncement(result, announce.url, this.seatOf(callSid));
      });
    }
    this.sync();
    return null;
  }

  /** POST Conferences/{Sid} AnnounceUrl: played to everyone in the room. */
  announce(spec: ProgramSpec, url: string): void {
    if (this.status === 'completed') return;
    this.roomAnnouncement?.stop();
    this.roomAnnouncement = this.program(null, spec, false, (result) => {
      this.roomAnnouncement = null;
      this.emitAnnouncement(result, url, undefined);
    });
  }

  /** POST Conferences/{Sid} Status=completed. */
  end(): void {
    this.apply({ kind: 'end' });
    this.sync();
  }

  // --- internals ---

  private apply(input: ConferenceInput, newcomer?: ConferenceParticipant): { refused?: Refusal['refused'] } {
    const step = conferenceStep(this.state, input);
    if (step.refused) return { refused: step.refused };
    this.state = step.state;
    this.updatedAt = new Date();
    if (newcomer) this.participants.set(newcomer.call.sid, newcomer);
    for (const effect of step.effects) {
      if (effect.kind === 'event') this.emit(effect.name, effect.seat, effect.params);
      else if (effect.kind === 'beep') this.beeps.push(new BufferSource(beep(effect.sound), 1));
      else {
        const released = this.participants.get(effect.callSid);
        if (released) {
          this.detach(released);
          released.release('ended');
        }
      }
    }
    return {};
  }

  private attachAudio(p: ConferenceParticipant): void {
    if (p.audio) return;
    const call = p.call;
    if (call.media) {
      p.audio = new LegAudio(call.media, () => this.audio.mixNow());
      return;
    }
    const phone = this.deps.phones.on(call);
    if (phone) {
      const audio = new PhoneAudio(phone.audioSource(), (digit) => { phone.digitsHeard += digit; });
      phone.listenLeg = audio.meters;
      p.audio = audio;
    }
  }

  private detach(p: ConferenceParticipant): void {
    p.audio?.close();
    if (p.audio instanceof PhoneAudio) {
      const phone = this.deps.phones.on(p.call);
      if (phone?.listenLeg === p.audio.meters) phone.listenLeg = null;
    }
    p.audio = null;
    p.ringback = null;
    for (const program of [p.wait, p.hold, p.announcement]) program?.stop();
    p.wait = p.hold = p.announcement = null;
    this.participants.delete(p.call.sid);
  }

  /** Starts and stops wait and hold programs to match who hears what; runs the mixer while anyone is in. */
  private sync(): void {
    for (const { participant: p, seat } of this.list()) {
      const hearing = hearingOf(this.status, seat);
      if (hearing === 'wait' && !p.wait) p.wait = this.program(p, p.options.wait, true);
      if (hearing !== 'wait' && p.wait) { p.wait.stop(); p.wait = null; }
      if (hearing === 'hold' && !p.hold) p.hold = this.program(p, p.holdSpec, true);
      if (hearing !== 'hold' && p.hold) { p.hold.stop(); p.hold = null; }
    }
    if (this.status === 'completed') {
      this.audio.stop();
      this.roomAnnouncement?.stop();
      this.roomAnnouncement = null;
      if (!this.endedAt) {
        this.endedAt = new Date();
        this.log('conference completed');
        this.onCompleted(this);
      }
      return;
    }
    if ([...this.participants.values()].some((p) => p.audio || p.ringback)) this.audio.start();
    else this.audio.stop();
  }

  private program(p: ConferenceParticipant | null, spec: ProgramSpec, loopAudio: boolean, onEnd?: ConstructorParameters<typeof Program>[2]['onEnd']): Program {
    return new Program(spec, {
      webhooks: this.deps.webhooks,
      loadAudio: (url) => this.deps.loadAudio(url),
      params: () => ({
        ...(p ? voiceParams(callFacts(p.call)) : { AccountSid: this.deps.accountSid }),
        ConferenceSid: this.sid,
        FriendlyName: this.friendlyName,
      }),
      log: (kind, text) => {
        p?.call.log(kind, text);
        this.log(text);
      },
    }, { loopAudio, ...(onEnd ? { onEnd } : {}) });
  }

  private mixMembers(): MixMember[] {
    const status = this.status;
    const live = this.list();
    const indexOf = new Map<string, number>();
    const chosen: { p: ConferenceParticipant; seat: Seat; audio: ParticipantAudio }[] = [];
    for (const { participant: p, seat } of live) {
      const audio = seat.joined ? p.audio : p.ringback && p.call.status === 'ringing' ? p.ringback : null;
      if (!audio) continue;
      indexOf.set(seat.callSid, chosen.length);
      chosen.push({ p, seat, audio });
    }
    return chosen.map(({ p, seat, audio }) => {
      if (!seat.joined) {
        // Early media: the ringback is heard once the room is live.
        return { audio, reach: { to: status === 'in-progress' ? 'everyone' : 'nobody' }, hears: null, overlay: null, onVoice: () => {} };
      }
      const reach = voiceReach(status, seat);
      const hearing = hearingOf(status, seat);
      const coached = reach.to === 'one' ? indexOf.get(reach.callSid) : undefined;
      return {
        audio,
        reach: reach.to === 'one' ? (coached === undefined ? { to: 'nobody' } : { to: 'one', index: coached }) : reach,
        hears: hearing === 'room' ? 'room' : hearing === 'hold' ? p.hold : hearing === 'wait' ? p.wait : null,
        overlay: p.announcement,
        onVoice: (frame, now) => {
          const heard = reach.to !== 'nobody';
          p.voiceLevel.push(heard ? frame : SILENT_FRAME, now);
          const change = p.speaking.push(heard ? frame : SILENT_FRAME);
          if (change) this.emit(change === 'start' ? 'participant-speech-start' : 'participant-speech-stop', this.seatOf(seat.callSid));
        },
      };
    });
  }

  private overlayFrame(out: Int16Array): boolean {
    out.fill(0);
    let any = false;
    const add = (source: { next(o: Int16Array): boolean }): boolean => {
      const alive = source.next(this.overlayScratch);
      for (let i = 0; i < out.length; i++) out[i]! += this.overlayScratch[i]!;
      any = true;
      return alive;
    };
    if (this.beeps.length && !add(this.beeps[0]!)) this.beeps.shift();
    if (this.roomAnnouncement) add(this.roomAnnouncement);
    return any;
  }

  private emitAnnouncement(result: { ok: true } | { ok: false; reason: string }, url: string, seat: Seat | undefined): void {
    if (this.status === 'completed') return;
    const params: Record<string, string> = { AnnounceUrl: url };
    if (!result.ok) params.ReasonAnnouncementFailed = result.reason;
    this.emit(result.ok ? 'announcement-end' : 'announcement-fail', seat, params);
  }

  private emit(name: ConferenceEventName, seat?: Seat, params?: Record<string, string>): void {
    this.log(`${name}${seat ? ` ${seat.callSid}${seat.label ? ` (${seat.label})` : ''}` : ''}${params?.ReasonParticipantLeft ? ` ${params.ReasonParticipantLeft}` : ''}${params?.ReasonConferenceEnded ? ` ${params.ReasonConferenceEnded}` : ''}`);
    const sc = this.settings.statusCallback;
    if (!sc || !sc.events.includes(subscriptionOf(name))) return;
    const body = conferenceCallbackParams(
      { sid: this.sid, friendlyName: this.friendlyName, accountSid: this.deps.accountSid },
      name,
      { sequence: ++this.sequence, timestamp: new Date(), ...(seat ? { seat } : {}), ...(params ? { params } : {}) },
    );
    // One at a time, so the application receives them in the order they happened.
    this.callbacks = this.callbacks.then(async () => {
      const r = await this.deps.webhooks.request({ url: sc.url, method: sc.method, params: body });
      this.log(r.ok ? `status callback ${name} → ${r.status} (${r.ms} ms)` : `status callback ${name} failed: ${r.code} ${r.message}`);
      if (!r.ok) this.deps.log.warn({ conferenceSid: this.sid, code: r.code, url: r.url }, `conference status callback failed: ${r.message}`);
    });
  }

  private log(text: string): void {
    this.events.push({ at: new Date().toISOString(), text });
    if (this.events.length > 300) this.events.splice(0, this.events.length - 300);
  }
}

const SILENT_FRAME = new Int16Array(FRAME_SAMPLES);
