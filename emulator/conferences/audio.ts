/**
 * A conference's audio on the shared 20 ms media clock. Each participant has an adapter that gives
 * the mixer what the participant says this frame and takes what it hears:
 *
 * - a leg (an SDK browser, a console-operated phone): received RTP goes through a jitter buffer into
 *   the mix; the mixed frame is what the leg sends (encoded to PCMU by the leg itself). A key the
 *   leg's party presses (an RFC 4733 event, or a digit by signaling) is played into its voice as the
 *   key's two tones, as Twilio does in a conference: so only those who hear that voice hear the key
 *   (not the presser, nor anyone while the presser is held or muted);
 * - a simulated phone (no RTP): its tone, echo or silence is its voice; what it hears is measured
 *   (level, tones and in-band DTMF digits) where the phone's card and the control API read it;
 * - early media: a phone still ringing is heard by the room as ringback.
 *
 * The mixer runs once per tick, whichever asks first: the clock itself, or a leg about to send.
 */
import { onMediaTick, mediaTickCount } from '../media/clock';
import { JitterBuffer } from '../media/jitter';
import { LevelMeter, samplesDbfs } from '../media/level';
import { mixFrame, type MixPart } from '../media/mixer';
import { InBandDigitDetector, InBandDigits } from '../media/dtmf-inband';
import { EchoSource, SilenceSource, ToneSource, FRAME_SAMPLES, type FrameSource } from '../media/sources';
import { ToneMeter } from '../media/spectrum';
import type { AudioSource, LegMediaStats, MediaLeg } from '../media/types';

export interface ParticipantAudio {
  /** What the participant says in this frame. */
  pullVoice(out: Int16Array): void;
  /** What the participant hears in this frame. */
  deliver(frame: Int16Array, nowMs: number): void;
  close(): void;
}

/** A leg's audio: the conference's frames become what the leg sends, what it receives feeds the mix. */
export class LegAudio implements ParticipantAudio {
  private readonly jitter = new JitterBuffer();
  private readonly outFrame = new Int16Array(FRAME_SAMPLES);
  private readonly keys = new InBandDigits();
  private readonly onDigit = (digit: string) => this.keys.push(digit);
  private active = true;

  constructor(private readonly leg: MediaLeg, mixNow: () => void) {
    leg.on('dtmf', this.onDigit);
    const source: FrameSource = {
      hear: (samples) => this.jitter.push(samples),
      next: (frame) => {
        if (!this.active) return false;
        mixNow();
        frame.set(this.outFrame);
        return true;
      },
    };
    // Resolves when something else plays on the leg (a redirect's TwiML): the conference's frames stop.
    void leg.play({ kind: 'frames', source }).then(() => { this.active = false; }, () => { this.active = false; });
  }

  pullVoice(out: Int16Array): void {
    this.jitter.pull(out);
    this.keys.addTo(out);
  }

  deliver(frame: Int16Array): void {
    this.outFrame.set(frame);
  }

  close(): void {
    this.leg.off('dtmf', this.onDigit);
    if (!this.active) return;
    this.active = false;
    this.leg.stopPlayback();
  }
}

function frameSourceFor(audio: AudioSource): FrameSource {
  switch (audio.kind) {
    case 'tone': return new ToneSource({ frequencies: audio.frequencies });
    case 'echo': return new EchoSource();
    default: return new SilenceSource();
  }
}

/** What a phone is sent, measured as a leg measures what it receives, so PhoneHeard reads the same. */
export class HeardMeters implements Pick<MediaLeg, 'stats'> {
  private readonly level = new LevelMeter();
  private readonly tones = new ToneMeter();
  private readonly keys = new InBandDigitDetector();
  private frames = 0;
  private digits = '';

  /** `onDigit`: a key heard in the audio, for the phone's record of digits it heard. */
  constructor(private readonly onDigit?: (digit: string) => void) {}

  push(frame: Int16Array, nowMs: number): void {
    this.frames++;
    this.level.push(frame, nowMs);
    this.tones.push(frame, nowMs);
    const digit = this.keys.push(frame);
    if (digit) {
      this.digits += digit;
      this.onDigit?.(digit);
    }
  }

  stats(): LegMediaStats {
    const now = performance.now();
    return {
      packetsReceived: this.frames,
      packetsSent: 0,
      levelDbfs: this.level.level(now),
      peakLevelDbfs: this.level.peakLevel(),
      codec: null,
      iceState: 'none',
      digits: this.digits,
      tones: this.tones.tones(now),
    };
  }
}

/** A simulated phone in the room: its own sound is its voice; what it hears goes to its meters (and its echo). */
export class PhoneAudio implements ParticipantAudio {
  readonly meters: HeardMeters;
  private readonly voice: FrameSource;

  constructor(audio: AudioSource, onDigit?: (digit: string) => void) {
    this.voice = frameSourceFor(audio);
    this.meters = new HeardMeters(onDigit);
  }

  pullVoice(out: Int16Array): void {
    if (!this.voice.next(out)) out.fill(0);
  }

  deliver(frame: Int16Array, nowMs: number): void {
    this.meters.push(frame, nowMs);
    this.voice.hear?.(frame);
  }

  close(): void {}
}

/** A phone still ringing, heard by the room (earlyMedia): the ringback a caller would hear. */
export class RingbackAudio implements ParticipantAudio {
  private readonly tone = new ToneSource({ frequencies: [440, 480], onMs: 2000, offMs: 4000 });
  pullVoice(out: Int16Array): void {
    this.tone.next(out);
  }
  deliver(): void {}
  close(): void {}
}

/** One participant's part in a tick, as the conference decides it. */
export interface MixMember {
  audio: ParticipantAudio;
  /** Whether the room hears this voice: everyone, one participant (by index in the list), or nobody. */
  reach: { to: 'everyone' } | { to: 'one'; index: number } | { to: 'nobody' };
  /** 'room', or the program (hold, wait) it hears instead, or nothing. */
  hears: 'room' | FrameSource | null;
  /** An announcement to this participant alone. */
  overlay: FrameSource | null;
  /** Receives this frame's voice, for the speaking level and speaker events. */
  onVoice(frame: Int16Array, nowMs: number): void;
}

interface Buffers { voice: Int16Array; program: Int16Array; overlay: Int16Array; out: Int16Array }

export class ConferenceAudio {
  private stopTicking: (() => void) | null = null;
  private mixedTick = -1;
  private readonly buffers = new WeakMap<ParticipantAudio, Buffers>();
  private readonly roomOverlay = new Int16Array(FRAME_SAMPLES);
  private readonly scratch = new Int32Array(FRAME_SAMPLES);
  /** Frames mixed so far (for the benchmark and the console). */
  frames = 0;

  constructor(
    private readonly members: () => MixMember[],
    /** Fills the room's overlay (beeps, announcements to everyone); false when there is none this frame. */
    private readonly overlay: (out: Int16Array) => boolean,
  ) {}

  start(): void {
    this.stopTicking ??= onMediaTick(() => this.mixNow());
  }

  stop(): void {
    this.stopTicking?.();
    this.stopTicking = null;
  }

  /** Mixes this tick's frame for everyone, once per tick. */
  mixNow(): void {
    const tick = mediaTickCount();
    if (tick === this.mixedTick || !this.stopTicking) return;
    this.mixedTick = tick;
    this.frames++;
    const now = performance.now();
    const members = this.members();
    const parts: MixPart[] = [];
    const outs: Int16Array[] = [];
    for (const m of members) {
      const b = this.buffersOf(m.audio);
      m.audio.pullVoice(b.voice);
      m.onVoice(b.voice, now);
      let hears: MixPart['hears'] = null;
      if (m.hears === 'room') hears = 'room';
      else if (m.hears && m.hears.next(b.program)) hears = b.program;
      const overlay = m.overlay && m.overlay.next(b.overlay) ? b.overlay : null;
      parts.push({
        voice: m.reach.to === 'nobody' ? null : b.voice,
        ...(m.reach.to === 'one' ? { voiceOnlyTo: m.reach.index } : {}),
        hears,
        overlay,
      });
      outs.push(b.out);
    }
    const roomOverlay = this.overlay(this.roomOverlay) ? this.roomOverlay : null;
    mixFrame(parts, roomOverlay, outs, this.scratch);
    members.forEach((m, i) => m.audio.deliver(outs[i]!, now));
  }

  private buffersOf(audio: ParticipantAudio): Buffers {
    let b = this.buffers.get(audio);
    if (!b) {
      b = {
        voice: new Int16Array(FRAME_SAMPLES), program: new Int16Array(FRAME_SAMPLES),
        overlay: new Int16Array(FRAME_SAMPLES), out: new Int16Array(FRAME_SAMPLES),
      };
      this.buffers.set(audio, b);
    }
    return b;
  }
}

/**
 * Speaking or not, from frame levels: speech starts after 60 ms above the threshold and stops
 * after 600 ms below it, so pauses between words do not flap.
 */
export class SpeakingDetector {
  speaking = false;
  private loud = 0;
  private quiet = 0;

  constructor(private readonly thresholdDbfs = -45) {}

  /** Returns 'start' or 'stop' when the state changes. */
  push(frame: Int16Array): 'start' | 'stop' | null {
    if (samplesDbfs(frame) > this.thresholdDbfs) {
      this.quiet = 0;
      if (!this.speaking && ++this.loud >= 3) {
        this.speaking = true;
        return 'start';
      }
    } else {
      this.loud = 0;
      if (this.speaking && ++this.quiet >= 30) {
        this.speaking = false;
        return 'stop';
      }
    }
    return null;
  }
}
