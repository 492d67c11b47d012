/**
 * A small jitter buffer between a leg's received packets (whenever the network delivers them) and the
 * mixer's 20 ms clock: it fills to a target depth before playing, plays one frame per tick, refills
 * after an underrun, and drops the oldest audio when it grows past its limit (the sender's clock runs
 * fast), so latency stays bounded.
 */
export class JitterBuffer {
  private readonly ring: Int16Array;
  private head = 0;
  private size = 0;
  private buffering = true;
  underruns = 0;
  dropped = 0;

  constructor(
    /** Samples to hold before playing (default 40 ms at 8 kHz). */
    private readonly targetSamples = 320,
    /** More than this and the oldest samples are dropped down to the target (default 120 ms). */
    private readonly maxSamples = 960,
  ) {
    this.ring = new Int16Array(Math.max(maxSamples * 2, 2048));
  }

  get depth(): number {
    return this.size;
  }

  push(samples: ArrayLike<number>): void {
    const cap = this.ring.length;
    for (let i = 0; i < samples.length; i++) {
      if (this.size === cap) {
        this.head = (this.head + 1) % cap;
        this.size--;
        this.dropped++;
      }
      this.ring[(this.head + this.size) % cap] = samples[i]!;
      this.size++;
    }
    if (this.size > this.maxSamples) {
      const drop = this.size - this.targetSamples;
      this.head = (this.head + drop) % cap;
      this.size -= drop;
      this.dropped += drop;
    }
  }

  /** Fills `out` with the next frame; silence while (re)filling. Returns whether it played audio. */
  pull(out: Int16Array): boolean {
    if (this.buffering) {
      if (this.size < this.targetSamples) {
        out.fill(0);
        return false;
      }
      this.buffering = false;
    }
    const cap = this.ring.length;
    const n = Math.min(out.length, this.size);
    for (let i = 0; i < n; i++) out[i] = this.ring[(this.head + i) % cap]!;
    out.fill(0, n);
    this.head = (this.head + n) % cap;
    this.size -= n;
    if (n < out.length) {
      this.underruns++;
      this.buffering = true;
    }
    return n > 0;
  }
}
