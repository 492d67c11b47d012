/** Frame sources: what a leg sends, 20 ms at a time, when it is not bridged to another leg. */
import { renderSpeech, ToneGenerator, FRAME_SAMPLES, SAMPLE_RATE } from './synth';

export interface FrameSource {
  /** Fills `out` with the next frame; returns false once the source has ended (out is then silence). */
  next(out: Int16Array): boolean;
  /** Audio received from the peer, for sources that react to it (echo). */
  hear?(samples: Int16Array): void;
}

export class SilenceSource implements FrameSource {
  next(out: Int16Array): boolean {
    out.fill(0);
    return true;
  }
}

export class ToneSource implements FrameSource {
  private readonly gen: ToneGenerator;
  constructor(spec: ConstructorParameters<typeof ToneGenerator>[0]) {
    this.gen = new ToneGenerator(spec);
  }
  next(out: Int16Array): boolean {
    return this.gen.render(out);
  }
}

/** Plays a sample buffer `loops` times (0 = forever). */
export class BufferSource implements FrameSource {
  private pos = 0;
  private played = 0;
  constructor(private readonly samples: Int16Array, private readonly loops = 1) {}

  next(out: Int16Array): boolean {
    out.fill(0);
    if (this.samples.length === 0) return false;
    let i = 0;
    while (i < out.length) {
      if (this.pos >= this.samples.length) {
        this.played++;
        if (this.loops !== 0 && this.played >= this.loops) return i > 0;
        this.pos = 0;
      }
      const n = Math.min(out.length - i, this.samples.length - this.pos);
      out.set(this.samples.subarray(this.pos, this.pos + n), i);
      this.pos += n;
      i += n;
    }
    return true;
  }
}

export function speechSource(text: string): FrameSource {
  return new BufferSource(renderSpeech(text), 1);
}

/**
 * Sends back what it hears after a fixed delay, like a far end that repeats every word. The
 * queue is bounded so a peer that sends faster than real time cannot make it grow.
 */
export class EchoSource implements FrameSource {
  private readonly queue: Int16Array[] = [];
  private readonly pending: number[] = [];
  private readonly delayFrames: number;
  private readonly maxFrames: number;

  constructor(delayMs = 200) {
    this.delayFrames = Math.max(0, Math.round(delayMs / 20));
    this.maxFrames = this.delayFrames + 25;
  }

  hear(samples: Int16Array): void {
    // Packets may not be 20 ms long; re-chunk into frames.
    for (const s of samples) this.pending.push(s);
    while (this.pending.length >= FRAME_SAMPLES) {
      this.queue.push(Int16Array.from(this.pending.splice(0, FRAME_SAMPLES)));
      if (this.queue.length > this.maxFrames) this.queue.shift();
    }
  }

  next(out: Int16Array): boolean {
    if (this.queue.length > this.delayFrames) out.set(this.queue.shift()!);
    else out.fill(0);
    return true;
  }
}

export { FRAME_SAMPLES, SAMPLE_RATE };
