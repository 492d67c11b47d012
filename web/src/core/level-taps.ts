import type { PhoneEnv } from './env';

/**
 * Level meters fed off the main thread. A tap measures one stream on the audio thread (level-worklet.ts)
 * and posts its level, a few times a second, straight to whoever draws it (the meters' painter worker),
 * through a MessagePort per drawing meter: no level passes through the page's main thread, no SDK
 * volume event is needed. This part decides what is measured: the streams the controller points it
 * at (the call in focus: microphone and far end; or the settings' microphone preview), only while a
 * meter is showing for that channel, and nothing posted while the page is hidden. The browser port is
 * level-worklet-port.ts; tests use a fake (testing/fake-level-taps.ts).
 */
export type LevelChannel = 'input' | 'output';

/** One meter's connection to a tap: the port that carries its levels (0..1, one message per meter frame). */
export interface LevelLink {
  readonly port: MessagePort;
  close(): void;
}

export interface LevelTapLike {
  /** A new port for one more meter; levels flow on it until the link or the tap is closed. */
  connect(): LevelLink;
  pause(paused: boolean): void;
  close(): void;
}

export interface LevelTapPort {
  /** Starts measuring the stream's first audio track. */
  open(stream: MediaStream): LevelTapLike;
}

/** Takes a port (and transfers it to where it is drawn); returns what to do when its levels stop. */
export type LevelSink = (port: MessagePort) => (() => void) | void;

export type MeteredStreams = Partial<Record<LevelChannel, MediaStream | null | undefined>>;

interface Tap {
  /** The track measured: the SDK swaps the tracks of the same stream when the microphone changes. */
  track: MediaStreamTrack;
  tap: LevelTapLike;
  links: Map<LevelSink, { link: LevelLink; stopped: (() => void) | void }>;
}

const CHANNELS: readonly LevelChannel[] = ['input', 'output'];

export class LevelTaps {
  private readonly wanted: Record<LevelChannel, MediaStream | null> = { input: null, output: null };
  private readonly sinks: Record<LevelChannel, Set<LevelSink>> = { input: new Set(), output: new Set() };
  private readonly taps: Partial<Record<LevelChannel, Tap>> = {};
  private hidden: boolean;
  private readonly unlisten: () => void;

  constructor(
    private readonly port: LevelTapPort,
    private readonly env: Pick<PhoneEnv, 'isHidden' | 'listen'>,
  ) {
    this.hidden = env.isHidden();
    this.unlisten = env.listen('document', 'visibilitychange', () => this.onVisibility());
  }

  /** Measures these streams from now on (a channel left out or null: nothing). Cheap when nothing changed. */
  follow(streams: MeteredStreams): void {
    for (const channel of CHANNELS) {
      this.wanted[channel] = streams[channel] ?? null;
      this.sync(channel);
    }
  }

  /** A meter for `channel`: `sink` gets a port for each stream measured while it is subscribed. */
  subscribe(channel: LevelChannel, sink: LevelSink): () => void {
    this.sinks[channel].add(sink);
    this.sync(channel);
    return () => {
      this.sinks[channel].delete(sink);
      const tap = this.taps[channel];
      const entry = tap?.links.get(sink);
      if (tap && entry) {
        tap.links.delete(sink);
        entry.link.close();
      }
      this.sync(channel);
    };
  }

  /** Which channels are being measured now; for tests and the device log. */
  measuring(): LevelChannel[] {
    return CHANNELS.filter((channel) => this.taps[channel]);
  }

  dispose(): void {
    this.unlisten();
    for (const channel of CHANNELS) this.close(channel);
  }

  private sync(channel: LevelChannel): void {
    const stream = this.sinks[channel].size > 0 ? this.wanted[channel] : null;
    const track = stream?.getAudioTracks()[0] ?? null;
    let tap = this.taps[channel];
    if (tap && tap.track !== track) {
      this.close(channel);
      tap = undefined;
    }
    if (!stream || !track) return;
    if (!tap) {
      tap = { track, tap: this.port.open(stream), links: new Map() };
      if (this.hidden) tap.tap.pause(true);
      this.taps[channel] = tap;
    }
    for (const sink of this.sinks[channel]) {
      if (tap.links.has(sink)) continue;
      const link = tap.tap.connect();
      tap.links.set(sink, { link, stopped: sink(link.port) });
    }
  }

  private close(channel: LevelChannel): void {
    const tap = this.taps[channel];
    if (!tap) return;
    delete this.taps[channel];
    tap.tap.close();
    tap.links.forEach(({ stopped }) => stopped?.());
  }

  private onVisibility(): void {
    const hidden = this.env.isHidden();
    if (hidden === this.hidden) return;
    this.hidden = hidden;
    for (const channel of CHANNELS) this.taps[channel]?.tap.pause(hidden);
  }
}
