/**
 * What a simulated phone says into its call. A phone has no media leg of its own (its audio is
 * played by the far leg when it is bridged to a browser), so for a <Record> the emulator takes
 * the phone's voice from here, 20 ms at a time, as the line would carry it.
 */
import type { AudioSource } from '../media/types';
import { BufferSource, EchoSource, SilenceSource, ToneSource, type FrameSource } from '../media/sources';
import { renderSpeech, SAMPLE_RATE } from '../media/synth';

/** The phone's voice for one of the audio sources a leg can play; a URL is not a voice, so it is silence. */
export function voiceOf(source: AudioSource): FrameSource {
  switch (source.kind) {
    case 'tone':
      return new ToneSource({ frequencies: source.frequencies, durationMs: source.durationMs, onMs: source.onMs, offMs: source.offMs });
    case 'speech':
      return new BufferSource(renderSpeech(source.text), 1);
    // An echo repeats what it hears; a phone without a leg hears no audio, so it is silent too.
    case 'echo':
      return new EchoSource();
    default:
      return new SilenceSource();
  }
}

const TALK = 'Hello, this is a message from the emulator. Please call me back when you can. '
  + 'I am calling about the order we talked about on Monday, and the delivery on Thursday morning.';

/** Speech-like sound that goes on (a few sentences, looped): give it an end with TimedVoice. */
export function endlessSpeech(): FrameSource {
  return new BufferSource(renderSpeech(TALK), 0);
}

/** Plays `inner` for `ms`, then calls `onEnd` once and falls silent (reports the end). */
export class TimedVoice implements FrameSource {
  private left: number;
  private ended = false;

  constructor(private readonly inner: FrameSource, ms: number, private readonly onEnd: () => void) {
    this.left = Math.round((ms * SAMPLE_RATE) / 1000);
  }

  next(out: Int16Array): boolean {
    if (this.left <= 0) {
      out.fill(0);
      if (!this.ended) {
        this.ended = true;
        this.onEnd();
      }
      return false;
    }
    this.inner.next(out);
    if (this.left < out.length) out.fill(0, this.left);
    this.left -= out.length;
    return true;
  }
}
