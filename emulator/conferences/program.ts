/**
 * What a conference plays to a participant on its own: wait music before the start (waitUrl), hold
 * music (holdUrl), and announcements (announceUrl). As at Twilio, the URL may answer with audio (WAV
 * here) or with TwiML using <Play>, <Say>, <Pause> and <Redirect>; when the document runs out of
 * verbs there is silence (a <Redirect> to itself loops it). Without a URL it is the emulator's own
 * generated music (../media/hold-music.ts); an empty waitUrl is silence.
 *
 * A Program is a frame source for the mixer: fetching and loading happen in the background while it
 * plays silence, so the mixer's clock never waits.
 */
import { holdMusic } from '../media/hold-music';
import { BufferSource, type FrameSource } from '../media/sources';
import { renderSpeech, SAMPLE_RATE } from '../media/synth';
import { parseTwiml } from '../twiml/parse';
import type { Method, Verb } from '../twiml/verbs';
import type { WebhookClient } from '../calls/webhook';

export type ProgramSpec =
  | { kind: 'music' }
  | { kind: 'silence' }
  | { kind: 'url'; url: string; method: Method };

/** A document that gave less than this much audio before redirecting again waits this long first. */
const MIN_LOOP_MS = 1000;

export interface ProgramDeps {
  webhooks: Pick<WebhookClient, 'request' | 'resolveUrl'>;
  loadAudio(url: string): Promise<Int16Array>;
  /** Form parameters for the requests (the participant's call and the conference). */
  params(): Record<string, string>;
  log(kind: 'info' | 'error', text: string): void;
}

export interface ProgramOptions {
  /** A URL that answers with audio plays it over and over (hold and wait music) rather than once (announcements). */
  loopAudio: boolean;
  /** Called once when the program has nothing more to play: ok, or the reason it failed. */
  onEnd?: (result: { ok: true } | { ok: false; reason: string }) => void;
}

export class Program implements FrameSource {
  private current: FrameSource | null = null;
  private queue: Verb[] = [];
  private documentUrl = '';
  private busy = false;
  private ended = false;
  private stopped = false;
  private framesSinceFetch = Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly spec: ProgramSpec, private readonly deps: ProgramDeps, private readonly opts: ProgramOptions) {
    if (spec.kind === 'music') this.current = new BufferSource(holdMusic(), 0);
    else if (spec.kind === 'silence') this.finish({ ok: true });
    else this.fetch(spec.url, spec.method);
  }

  next(out: Int16Array): boolean {
    out.fill(0);
    if (this.stopped || this.ended) return false;
    this.framesSinceFetch++;
    if (this.current && !this.current.next(out)) {
      this.current = null;
      this.advance();
    }
    return !this.ended;
  }

  /** Stops for good: no more requests, no end callback. */
  stop(): void {
    this.stopped = true;
    this.current = null;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
  }

  private finish(result: { ok: true } | { ok: false; reason: string }): void {
    if (this.ended || this.stopped) return;
    this.ended = true;
    this.current = null;
    this.opts.onEnd?.(result);
  }

  /** Starts the next verb, unless something is loading. */
  private advance(): void {
    while (!this.current && !this.busy && !this.ended && !this.stopped) {
      const verb = this.queue.shift();
      if (!verb) {
        this.finish({ ok: true });
        return;
      }
      this.start(verb);
    }
  }

  private start(verb: Verb): void {
    switch (verb.verb) {
      case 'Play':
        if (verb.digits) return;
        this.load(this.deps.webhooks.resolveUrl(verb.url, this.documentUrl), verb.loop);
        return;
      case 'Say':
        this.current = new BufferSource(renderSpeech(verb.text), verb.loop);
        return;
      case 'Pause':
        this.current = new BufferSource(new Int16Array(verb.length * SAMPLE_RATE), 1);
        return;
      case 'Redirect':
        this.fetch(this.deps.webhooks.resolveUrl(verb.url || this.documentUrl, this.documentUrl), verb.method);
        return;
      default:
        this.deps.log('error', `<${verb.verb === 'Unsupported' ? verb.name : verb.verb}> cannot be played to a conference participant; skipped`);
    }
  }

  private fetch(url: string, method: Method): void {
    this.busy = true;
    const wait = this.framesSinceFetch * 20 < MIN_LOOP_MS ? MIN_LOOP_MS : 0;
    this.framesSinceFetch = 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      void this.deps.webhooks.request({ url, method, params: this.deps.params() }).then((result) => {
        if (this.stopped) return;
        if (!result.ok) {
          this.deps.log('error', `${result.code} ${result.message}`);
          this.busy = false;
          this.finish({ ok: false, reason: result.message });
          return;
        }
        if (/^audio\//i.test(result.contentType) || result.body.startsWith('RIFF')) {
          this.busy = false;
          this.load(url, this.opts.loopAudio ? 0 : 1);
          return;
        }
        try {
          this.queue = parseTwiml(result.body, { emptyRedirectLoops: true });
          this.documentUrl = url;
          this.deps.log('info', `${method} ${url}: ${this.queue.map((v) => v.verb).join(', ') || '(empty)'}`);
        } catch (e) {
          this.deps.log('error', `12100 ${(e as Error).message}`);
          this.queue = [];
        }
        this.busy = false;
        this.advance();
      });
    }, wait);
  }

  private load(url: string, loop: number): void {
    this.busy = true;
    this.deps.loadAudio(url).then((samples) => {
      if (this.stopped) return;
      this.busy = false;
      this.current = new BufferSource(samples, loop);
    }, (e: Error) => {
      if (this.stopped) return;
      this.deps.log('error', `Play failed: ${e.message}`);
      this.busy = false;
      this.advance();
    });
  }
}
