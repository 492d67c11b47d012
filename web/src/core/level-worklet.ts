/**
 * The level meters' measuring, on the audio thread: an AudioWorklet processor fed by one call stream
 * (the microphone's or the far end's) that posts that stream's level (level-window.ts) a few times a
 * second straight to the meters' painter worker, through the MessagePorts the page hands it. The page's
 * main thread is not involved per frame: it only says where to post, and to pause while it is hidden.
 * Loaded with AudioWorklet.addModule by level-worklet-port.ts.
 */
import { LevelWindow } from './level-window';
import type { ProcessorMessage, WorkletMessage } from './level-worklet-messages';

// The AudioWorkletGlobalScope, which the DOM library does not describe.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new (options: { processorOptions?: { fps?: number } }) => AudioWorkletProcessor): void;

class LevelProcessor extends AudioWorkletProcessor {
  private readonly sinks = new Map<number, MessagePort>();
  private readonly window: LevelWindow;
  private paused = false;
  private retired = false;

  constructor(options: { processorOptions?: { fps?: number } }) {
    super();
    this.window = new LevelWindow(sampleRate, options.processorOptions?.fps ?? 10);
    this.port.onmessage = (event: MessageEvent<WorkletMessage>) => this.receive(event.data);
  }

  private receive(message: WorkletMessage): void {
    switch (message.type) {
      case 'sink':
        this.sinks.set(message.id, message.port);
        break;
      case 'drop':
        this.sinks.get(message.id)?.close();
        this.sinks.delete(message.id);
        break;
      case 'paused':
        this.paused = message.paused;
        this.window.reset();
        break;
      case 'release':
        this.sinks.forEach((port) => port.close());
        this.sinks.clear();
        this.paused = false;
        this.window.reset();
        break;
      case 'retire':
        this.retired = true;
        break;
    }
  }

  // True until retired: a node is reused for the next stream rather than let go (see level-worklet-port.ts).
  process(inputs: Float32Array[][]): boolean {
    if (this.retired) {
      this.port.postMessage({ type: 'retired' } satisfies ProcessorMessage);
      return false;
    }
    const samples = inputs[0]?.[0];
    if (this.paused || this.sinks.size === 0 || !samples) return true;
    const level = this.window.add(samples);
    if (level !== null) this.sinks.forEach((port) => port.postMessage(level));
    return true;
  }
}

registerProcessor('softphone-level', LevelProcessor);
