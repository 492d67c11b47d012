/**
 * The contract between the emulator's calls (calls/legs.ts) and its media plane. Every call leg ends at an
 * endpoint of the emulator's own (as at Twilio's media edge): the SDK's SDP carries no ICE
 * candidates, so two browsers can never be joined by passing SDP between them.
 */
import type { EventEmitter } from 'node:events';
import type { FrameSource } from './sources';
import type { ToneReading } from './spectrum';

export interface LegMediaStats {
  /** RTP audio packets received from the remote peer (telephone-event packets excluded). */
  packetsReceived: number;
  /** RTP audio packets sent to the remote peer. */
  packetsSent: number;
  /** Level of the audio received over roughly the last 250 ms, in dBFS; -127 when nothing arrives. */
  levelDbfs: number;
  /** Loudest 250 ms window received so far, dBFS. */
  peakLevelDbfs: number;
  /** Negotiated audio codec, e.g. "PCMU"; null before negotiation. */
  codec: string | null;
  /** ICE connection state of the leg's peer connection. */
  iceState: string;
  /** Every DTMF digit received (RFC 4733 or signaling), in order. */
  digits: string;
  /** The tones in what was received over the last 256 ms, loudest first (./spectrum.ts). */
  tones?: ToneReading[];
  /** What this leg sends its peer (what the far end hears): level and tones, measured as levelDbfs and tones are. */
  sent?: { levelDbfs: number; tones: ToneReading[] };
}

export type AudioSource =
  | { kind: 'silence' }
  /** A steady or cadenced tone; frequencies in Hz (e.g. [440, 480] for a ringback). */
  | { kind: 'tone'; frequencies: number[]; durationMs?: number; onMs?: number; offMs?: number }
  /** <Say>: an audible, speech-like rendering whose length follows the text. */
  | { kind: 'speech'; text: string; voice?: string; language?: string }
  /** <Play>: audio fetched from a URL (WAV PCM 8/16 kHz or mu-law); loops times (0 = forever). */
  | { kind: 'url'; url: string; loop?: number }
  /** Sends back what it receives, as a simulated phone that echoes. */
  | { kind: 'echo' }
  /** Frames made elsewhere, 20 ms at a time (a conference mixer); the source also hears what the leg receives. */
  | { kind: 'frames'; source: FrameSource };

export interface MediaLegEvents {
  dtmf: [digit: string];
  /** Decoded audio of each RTP packet received from the remote peer (8 kHz samples), for recording. */
  audio: [samples: Int16Array];
  ice: [state: string];
  closed: [];
}

export interface MediaLeg extends EventEmitter<MediaLegEvents> {
  readonly id: string;
  /** The remote peer offers (SDK outgoing call, or an ICE-restart reinvite); returns our answer SDP. */
  answerOffer(offerSdp: string): Promise<string>;
  /** We offer (a call to an SDK client, or to the console's browser phone). */
  createOffer(): Promise<string>;
  applyAnswer(answerSdp: string): Promise<void>;
  /** What this leg sends while not bridged; resolves when a finite source ends or is replaced. */
  play(source: AudioSource): Promise<void>;
  stopPlayback(): void;
  /** Sends RFC 4733 telephone-events to the remote peer. */
  sendDtmf(digits: string): Promise<void>;
  /** Record a digit that arrived by signaling rather than RTP, so stats stay complete. */
  noteDigit(digit: string): void;
  stats(): LegMediaStats;
  /**
   * Fault injection: drops every datagram this leg sends or receives (RTP, RTCP, DTLS and the ICE
   * connectivity/consent checks) for `ms` milliseconds, as a network outage on the path would.
   */
  blockMedia(ms: number): void;
  close(): Promise<void>;
}

export interface Bridge {
  /** Stops relaying; each leg goes back to its own playback (silence). */
  unbridge(): void;
}
