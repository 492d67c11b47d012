/**
 * The conference mixer's arithmetic, one 20 ms frame at a time (pure): each participant hears the
 * sum of everyone else's voice (never their own), or their own program (hold or wait music), plus
 * what is played on top (beeps, announcements). Sums pass through a soft limiter, so three loud
 * talkers saturate smoothly instead of wrapping around or clipping hard.
 *
 * Who speaks and who hears what is decided by the conference (../conferences/rules.ts); this module
 * only adds up frames.
 */

export const FULL_SCALE = 32767;
/** Below this the mix is exact; above it the limiter bends the sum towards full scale. */
export const LIMIT_THRESHOLD = 24576;
const KNEE = FULL_SCALE - LIMIT_THRESHOLD;

/**
 * Soft limiter: identity up to the threshold, then a tanh knee that approaches full scale and
 * never reaches past it. Continuous with a continuous slope, and monotonic, so loud sums keep
 * their shape instead of folding over.
 */
export function softLimit(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude <= LIMIT_THRESHOLD) return Math.round(x);
  const bent = LIMIT_THRESHOLD + KNEE * Math.tanh((magnitude - LIMIT_THRESHOLD) / KNEE);
  return Math.sign(x) * Math.min(FULL_SCALE, Math.round(bent));
}

export interface MixPart {
  /** What this participant says this frame, if anyone hears it; null when muted, held, waiting or absent. */
  voice: Int16Array | null;
  /** When set, only the participant at this index hears this voice (coaching, "whisper"). */
  voiceOnlyTo?: number;
  /** 'room': everyone else's voice and the room's overlay. A frame: that program instead (hold, wait). null: silence. */
  hears: 'room' | Int16Array | null;
  /** Played to this participant on top of what it hears (an announcement to one participant). */
  overlay?: Int16Array | null;
}

/**
 * Mixes one frame for every part into `outs` (same order, each as long as the frames). `roomOverlay`
 * (beeps, announcements to the conference) is heard by every part that hears the room.
 */
export function mixFrame(parts: readonly MixPart[], roomOverlay: Int16Array | null, outs: Int16Array[], scratch?: Int32Array): void {
  const n = outs[0]?.length ?? 0;
  const total = scratch && scratch.length >= n ? scratch : new Int32Array(n);
  total.fill(0, 0, n);
  for (const part of parts) {
    if (!part.voice || part.voiceOnlyTo !== undefined) continue;
    const v = part.voice;
    for (let i = 0; i < n; i++) total[i]! += v[i]!;
  }
  if (roomOverlay) for (let i = 0; i < n; i++) total[i]! += roomOverlay[i]!;

  parts.forEach((part, index) => {
    const out = outs[index]!;
    const own = part.voice && part.voiceOnlyTo === undefined ? part.voice : null;
    const whispers = part.hears === 'room' ? parts.filter((p) => p.voice && p.voiceOnlyTo === index) : [];
    const overlay = part.overlay ?? null;
    for (let i = 0; i < n; i++) {
      let s: number;
      if (part.hears === 'room') {
        s = total[i]! - (own ? own[i]! : 0);
        for (const w of whispers) s += w.voice![i]!;
      } else {
        s = part.hears ? part.hears[i]! : 0;
      }
      if (overlay) s += overlay[i]!;
      out[i] = softLimit(s);
    }
  });
}
