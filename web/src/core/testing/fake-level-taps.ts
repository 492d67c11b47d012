import type { LevelTapLike, LevelTapPort } from '../level-taps';

/** A stream with one audio track, as the level taps see it: a new track id means a new microphone. */
export function fakeStream(trackId: string): MediaStream {
  const track = { id: trackId, kind: 'audio' } as MediaStreamTrack;
  return { id: `stream-${trackId}`, getAudioTracks: () => [track] } as unknown as MediaStream;
}

/** One end of a meter's port: what the tap would post to and whether it was closed. */
export interface FakeLink {
  readonly port: MessagePort;
  closed: boolean;
}

export class FakeTap implements LevelTapLike {
  paused = false;
  closed = false;
  readonly links: FakeLink[] = [];

  constructor(readonly stream: MediaStream) {}

  get trackId(): string | undefined {
    return this.stream.getAudioTracks()[0]?.id;
  }

  connect() {
    const link: FakeLink = { port: { name: `port-${this.trackId}-${this.links.length + 1}` } as unknown as MessagePort, closed: false };
    this.links.push(link);
    return { port: link.port, close: () => void (link.closed = true) };
  }

  pause(paused: boolean): void {
    this.paused = paused;
  }

  close(): void {
    this.closed = true;
  }
}

/** Test double for the audio thread's level taps: records every stream measured. */
export class FakeLevelTaps implements LevelTapPort {
  readonly opened: FakeTap[] = [];

  open(stream: MediaStream): FakeTap {
    const tap = new FakeTap(stream);
    this.opened.push(tap);
    return tap;
  }

  /** Track ids measured right now. */
  live(): (string | undefined)[] {
    return this.opened.filter((tap) => !tap.closed).map((tap) => tap.trackId);
  }
}
