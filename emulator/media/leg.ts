/**
 * A media leg: the emulator's own WebRTC endpoint for one call leg, as Twilio's media edge is.
 *
 * The Voice SDK's SDP carries no ICE candidates, so each leg puts its own host candidates
 * (loopback included) in its SDP and learns the browser's address from the browser's
 * connectivity checks (peer-reflexive). Audio is PCMU only, plus RFC 4733 telephone-events
 * (./codecs.ts), so generating, measuring and relaying audio never needs a transcoder.
 *
 * One unit on purpose: its frame tick, playback, DTMF sending, relaying and receiving share one
 * RTP sequence/timestamp space and one marker bit, and would only trade fields for callbacks if
 * cut apart. The separable parts live beside it (codecs, datagram gate, digit plans in rfc4733).
 */
import { EventEmitter } from 'node:events';
import {
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
  type RTCDtlsTransport,
} from 'werift';
import type { AudioSource, LegMediaStats, MediaLeg, MediaLegEvents } from './types';
import type { DtmfStep, MediaLegOptions, MediaLogger, Playback, RelayRun } from './leg-state';
import { keepNarrowbandEvents, PCMU_PAYLOAD_TYPE, peerCodecs, TELEPHONE_EVENT_PAYLOAD_TYPE, telephoneEventPayloadType } from './codecs';
import { gateDatagrams } from './datagram-gate';
import { decodePcmu, encodePcmu } from './g711';
import { LevelMeter } from './level';
import { ToneMeter } from './spectrum';
import { planDigits, TelephoneEventDetector } from './rfc4733';
import { BufferSource, EchoSource, SilenceSource, ToneSource, speechSource, FRAME_SAMPLES, type FrameSource } from './sources';
import { onMediaTick } from './clock';
import { loadAudioUrl } from './fetch-audio';
import { expectPeerReflexive } from './sdp';

/**
 * A bridged leg fills in silence when its partner has sent nothing for this long: longer than
 * the usual network jitter, so filler rarely interleaves with late relayed packets.
 */
const RELAY_GAP_MS = 100;

const random32 = () => Math.floor(Math.random() * 0x1_0000_0000) >>> 0;

export class WeriftMediaLeg extends EventEmitter<MediaLegEvents> implements MediaLeg {
  readonly id: string;
  private readonly log?: MediaLogger;
  private readonly tlsCa?: string;
  private readonly pc: RTCPeerConnection;
  private readonly transceiver: RTCRtpTransceiver;
  private readonly meter = new LevelMeter();
  private readonly tonesReceived = new ToneMeter();
  private readonly sentMeter = new LevelMeter();
  private readonly tonesSent = new ToneMeter();
  private readonly detector = new TelephoneEventDetector();
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private readonly stopTicking: () => void;

  private playback: Playback;
  private dtmfQueue: DtmfStep[] = [];
  private dtmfEventTs = 0;
  private seq = random32() & 0xffff;
  private ts = random32();
  /** The next packet starts a talkspurt (RFC 3551: marker bit after a discontinuity). */
  private marker = true;
  private packetsReceived = 0;
  private packetsSent = 0;
  private digits = '';
  private rtpTransport: RTCDtlsTransport | null = null;
  private unsubscribeRtp: (() => void) | null = null;
  private closed = false;
  private lastIceState = 'new';
  /** performance.now() until which every datagram of this leg is dropped (fault injection). */
  private blockedUntil = -Infinity;
  private readonly filteredTransports = new WeakSet<object>();

  /** Set while bridged: where received packets are relayed, and whether own playback is paused. */
  relayTarget: WeriftMediaLeg | null = null;
  private relayRun: RelayRun | null = null;
  private lastRelayAt = -Infinity;

  constructor(opts: MediaLegOptions) {
    super();
    this.id = opts.id;
    this.log = opts.logger;
    this.tlsCa = opts.tlsCa;
    this.pc = new RTCPeerConnection({
      codecs: { audio: peerCodecs(), video: [] },
      headerExtensions: { audio: [], video: [] },
      iceAdditionalHostAddresses: ['127.0.0.1', ...(opts.hostAddresses ?? [])],
      iceUseIpv6: false,
    });
    // One sendrecv audio transceiver serves both directions: a remote offer's audio m-line
    // matches it (its mid is still unset), and our own offers are built from it.
    this.transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.playback = { source: new SilenceSource(), finish: () => {}, fail: () => {} };

    this.pc.iceConnectionStateChange.subscribe(() => {
      const state = this.iceState();
      if (state === this.lastIceState) return;
      this.lastIceState = state;
      this.log?.debug({ leg: this.id, ice: state }, 'media leg ICE state');
      this.emit('ice', state);
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.attachRtp();
    });
    this.stopTicking = onMediaTick(() => this.tick());
  }

  async answerOffer(offerSdp: string): Promise<string> {
    this.assertOpen();
    await this.pc.setRemoteDescription({ type: 'offer', sdp: expectPeerReflexive(offerSdp) });
    keepNarrowbandEvents(this.transceiver);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.filterDatagrams();
    this.resumeRestartedIce();
    return this.localSdp();
  }

  async createOffer(): Promise<string> {
    this.assertOpen();
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.filterDatagrams();
    return this.localSdp();
  }

  async applyAnswer(answerSdp: string): Promise<void> {
    this.assertOpen();
    await this.pc.setRemoteDescription({ type: 'answer', sdp: expectPeerReflexive(answerSdp) });
  }

  play(source: AudioSource): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`Media leg ${this.id} is closed`));
    switch (source.kind) {
      case 'silence':
        return this.startPlayback(new SilenceSource());
      case 'tone':
        return this.startPlayback(
          new ToneSource({
            frequencies: source.frequencies,
            durationMs: source.durationMs,
            onMs: source.onMs,
            offMs: source.offMs,
          }),
        );
      case 'speech':
        return this.startPlayback(speechSource(source.text));
      case 'echo':
        return this.startPlayback(new EchoSource());
      case 'url':
        return this.playUrl(source.url, source.loop ?? 1);
      case 'frames':
        return this.startPlayback(source.source);
    }
  }

  stopPlayback(): void {
    void this.startPlayback(new SilenceSource());
  }

  sendDtmf(digits: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`Media leg ${this.id} is closed`));
    let steps: DtmfStep[];
    try {
      steps = planDigits(digits);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve) => {
      this.dtmfQueue.push(...steps, { kind: 'done', resolve });
    });
  }

  noteDigit(digit: string): void {
    this.recordDigit(digit);
  }

  stats(): LegMediaStats {
    const codec = this.transceiver.sender.codec;
    const now = performance.now();
    return {
      packetsReceived: this.packetsReceived,
      packetsSent: this.packetsSent,
      levelDbfs: this.meter.level(now),
      peakLevelDbfs: this.meter.peakLevel(),
      codec: codec ? codec.name : null,
      iceState: this.iceState(),
      digits: this.digits,
      tones: this.tonesReceived.tones(now),
      sent: { levelDbfs: this.sentMeter.level(now), tones: this.tonesSent.tones(now) },
    };
  }

  blockMedia(ms: number): void {
    this.assertOpen();
    this.filterDatagrams();
    this.blockedUntil = Math.max(this.blockedUntil, performance.now() + Math.max(0, ms));
    this.log?.info({ leg: this.id, ms }, 'media leg blocked (fault injection)');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTicking();
    this.unsubscribeRtp?.();
    this.relayTarget = null;
    this.playback.finish();
    for (const step of this.dtmfQueue) if (step.kind === 'done') step.resolve();
    this.dtmfQueue = [];
    try {
      await this.pc.close();
    } catch (err) {
      this.log?.warn({ leg: this.id, err }, 'media leg close failed');
    }
    this.emit('closed');
  }

  // --- bridge support (see bridge.ts) ---

  /** True while this leg sends what its bridge partner receives instead of its own playback. */
  bridged = false;

  /** Sends a packet received on the partner leg, keeping this leg's own sequence and timing. */
  relayIn(packet: RtpPacket, kind: 'audio' | 'event'): void {
    if (!this.bridged || !this.canSend()) return;
    const payloadType = kind === 'audio' ? PCMU_PAYLOAD_TYPE : telephoneEventPayloadType(this.transceiver);
    if (payloadType === null) return;
    const now = performance.now();
    const run = this.relayRun;
    let marker = false;
    if (!run || run.ssrc !== packet.header.ssrc || now - run.lastAt > RELAY_GAP_MS) {
      // A new run of relayed packets: map its timestamps onto our own clock so the receiver
      // sees one continuous stream across filler, relayed audio and re-bridging.
      this.relayRun = { ssrc: packet.header.ssrc, offset: (this.ts - packet.header.timestamp) >>> 0, lastAt: now };
      marker = true;
    }
    const current = this.relayRun!;
    current.lastAt = now;
    this.lastRelayAt = now;
    this.send(
      payloadType,
      (packet.header.timestamp + current.offset) >>> 0,
      packet.payload,
      marker || packet.header.marker,
      kind === 'audio',
    );
  }

  // --- internals ---

  private tick(): void {
    if (this.closed || !this.canSend()) return;
    const ts = this.ts;
    this.ts = (this.ts + FRAME_SAMPLES) >>> 0;

    const step = this.dtmfQueue[0];
    if (step && step.kind === 'event') {
      this.dtmfQueue.shift();
      if (step.first) this.dtmfEventTs = ts;
      this.send(telephoneEventPayloadType(this.transceiver) ?? TELEPHONE_EVENT_PAYLOAD_TYPE, this.dtmfEventTs, step.packet.payload, step.packet.marker, false);
      this.marker = true;
      return;
    }
    if (step && step.kind === 'gap') this.dtmfQueue.shift();
    while (this.dtmfQueue[0]?.kind === 'done') (this.dtmfQueue.shift() as { resolve: () => void }).resolve();

    if (this.bridged) {
      if (performance.now() - this.lastRelayAt <= RELAY_GAP_MS) return;
      // The partner's stream resumes on our clock, after this filler rather than over it.
      this.relayRun = null;
      this.frame.fill(0);
    } else {
      const playing = this.playback;
      let alive = true;
      try {
        alive = playing.source.next(this.frame);
      } catch (err) {
        this.log?.error({ leg: this.id, err }, 'media source failed');
        alive = false;
        this.frame.fill(0);
      }
      if (!alive) {
        this.playback = { source: new SilenceSource(), finish: () => {}, fail: () => {} };
        playing.finish();
      }
    }
    this.send(PCMU_PAYLOAD_TYPE, ts, encodePcmu(this.frame), this.marker, true);
    this.marker = false;
  }

  private send(payloadType: number, timestamp: number, payload: Buffer, marker: boolean, audio: boolean): void {
    const sender = this.transceiver.sender;
    const codec = sender.codec;
    if (!codec) return;
    const header = new RtpHeader({
      payloadType,
      sequenceNumber: this.seq,
      timestamp,
      ssrc: sender.ssrc,
      marker,
    });
    this.seq = (this.seq + 1) & 0xffff;
    if (audio) {
      this.packetsSent++;
      // What the far end hears, relayed or generated alike.
      const samples = decodePcmu(payload);
      const now = performance.now();
      this.sentMeter.push(samples, now);
      this.tonesSent.push(samples, now);
    }
    // The sender stamps its negotiated codec's payload type on every packet; telephone-events
    // share its SSRC and sequence space but need their own payload type, so lend it the
    // matching codec for the synchronous part of sendRtp (which is where the type is set).
    const lent = codec.payloadType === payloadType ? null : this.transceiver.codecs.find((c) => c.payloadType === payloadType);
    if (lent) sender.codec = lent;
    const sent = sender.sendRtp(new RtpPacket(header, payload));
    if (lent) sender.codec = codec;
    sent.catch((err: unknown) => this.log?.debug({ leg: this.id, err }, 'RTP send failed'));
  }

  /**
   * An ICE-restart offer makes werift start a new ICE generation, but its connect step skips any
   * transport whose DTLS session is already up, so the new generation would never run its checks
   * and the peer would hear nothing more. Start those checks here; DTLS carries on over the new pair.
   */
  private resumeRestartedIce(): void {
    for (const dtls of this.pc.dtlsTransports) {
      const ice = dtls.iceTransport;
      if (dtls.state !== 'connected' || ice.state === 'connected' || ice.state === 'checking') continue;
      ice.start().catch((err: unknown) => this.log?.warn({ leg: this.id, err }, 'ICE restart failed'));
    }
  }

  /** Gates the leg's sockets for blockMedia (see ./datagram-gate.ts); again after each negotiation. */
  private filterDatagrams(): void {
    gateDatagrams(this.pc, () => performance.now() < this.blockedUntil, this.filteredTransports);
  }

  /**
   * The peer connection's ICE state in the browser's vocabulary: "new" until there is a remote
   * description, and never "completed" for what is only finished candidate gathering.
   */
  private iceState(): string {
    if (this.closed) return 'closed';
    if (!this.pc.remoteDescription) return 'new';
    const state = this.pc.iceConnectionState;
    // werift's "completed" means gathering finished, with checks still to come.
    return state === 'completed' ? 'checking' : state;
  }

  private canSend(): boolean {
    return this.transceiver.sender.dtlsTransport?.state === 'connected';
  }

  /** Receives on the DTLS transport itself so no SSRC signalling is needed to route packets. */
  private attachRtp(): void {
    const dtls = this.transceiver.receiver.dtlsTransport;
    if (!dtls || dtls === this.rtpTransport) return;
    this.unsubscribeRtp?.();
    this.rtpTransport = dtls;
    this.unsubscribeRtp = dtls.onRtp.subscribe((packet) => this.onRtp(packet)).unSubscribe;
  }

  private onRtp(packet: RtpPacket): void {
    if (this.closed) return;
    const pt = packet.header.payloadType;
    if (pt === PCMU_PAYLOAD_TYPE) {
      this.packetsReceived++;
      const samples = decodePcmu(packet.payload);
      const now = performance.now();
      this.meter.push(samples, now);
      this.tonesReceived.push(samples, now);
      this.playback.source.hear?.(samples);
      if (this.listenerCount('audio') > 0) this.emit('audio', samples);
      this.relayTarget?.relayIn(packet, 'audio');
      return;
    }
    const codec = this.transceiver.codecs.find((c) => c.payloadType === pt);
    if (codec?.name.toLowerCase() === 'telephone-event') {
      const digit = this.detector.push(packet.header.ssrc, packet.header.timestamp, packet.payload);
      if (digit) this.recordDigit(digit);
      this.relayTarget?.relayIn(packet, 'event');
    }
  }

  private recordDigit(digit: string): void {
    this.digits += digit;
    this.log?.debug({ leg: this.id, digit }, 'media leg heard DTMF');
    this.emit('dtmf', digit);
  }

  private localSdp(): string {
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('No local description after negotiation');
    return sdp;
  }

  private startPlayback(source: FrameSource): Promise<void> {
    const previous = this.playback;
    const promise = new Promise<void>((resolve, reject) => {
      this.playback = { source, finish: () => resolve(), fail: reject };
    });
    previous.finish();
    this.marker = true;
    return promise;
  }

  private playUrl(url: string, loop: number): Promise<void> {
    // Silence while the file loads, so the timeline (and a replacing play()) behaves as usual.
    const placeholder = new SilenceSource();
    const promise = this.startPlayback(placeholder);
    const playback = this.playback;
    loadAudioUrl(url, { ca: this.tlsCa }).then(
      (samples) => {
        if (this.playback === playback) playback.source = new BufferSource(samples, loop);
      },
      (err: Error) => {
        if (this.playback !== playback) return;
        this.log?.warn({ leg: this.id, url, err: err.message }, 'could not load audio for playback');
        this.playback = { source: new SilenceSource(), finish: () => {}, fail: () => {} };
        playback.fail(err);
      },
    );
    return promise;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Media leg ${this.id} is closed`);
  }
}

export function createMediaLeg(opts: MediaLegOptions): MediaLeg {
  return new WeriftMediaLeg(opts);
}
