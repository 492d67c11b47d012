/**
 * The browser's level taps (level-taps.ts): each is an AudioWorkletNode running level-worklet.ts on the
 * Voice SDK's AudioContext, fed by a MediaStreamAudioSourceNode of the stream. That context already runs
 * during calls and the microphone preview and rests between them (audio-devices.ts), so measuring adds
 * no context and no audio thread of its own. Messages sent before the worklet module has loaded are kept
 * and sent once the node exists.
 */
import workletUrl from './level-worklet.ts?worker&url';
import type { LevelTapLike, LevelTapPort } from './level-taps';
import type { ProcessorMessage, WorkletMessage } from './level-worklet-messages';
import { METER_MAX_FPS } from './levels';

export function canMeasureOffMainThread(): boolean {
  return typeof AudioWorkletNode !== 'undefined' && typeof MessageChannel !== 'undefined';
}

/** The module is added once per context. */
const modules = new WeakMap<BaseAudioContext, Promise<void>>();
function loadModule(context: BaseAudioContext): Promise<void> {
  let loading = modules.get(context);
  if (!loading) {
    loading = context.audioWorklet.addModule(workletUrl);
    modules.set(context, loading);
  }
  return loading;
}

/**
 * Nodes no stream uses, by context, for the next stream. Chromium keeps a node whose processor has not
 * stopped itself for as long as the page, closed context and all, and the SDK's context is suspended
 * between calls (so a processor would never get to stop): a new node per call would be kept forever. At
 * most one per channel exists on a context; a renewed context (sdk-audio-contexts.ts) gets its own, and
 * the one before has its nodes retired (retireLevelNodes) before it is closed.
 */
const idleNodes = new WeakMap<BaseAudioContext, AudioWorkletNode[]>();

/** How long a context is given to run its processors' last quantum before it is closed anyway. */
const RETIRE_WAIT_MS = 1000;

/**
 * Stops the processors of `context`'s nodes for good, so that Chromium lets the nodes go and, with them,
 * the context (each kept node holds it, closed, with its audio graph: ~0.3 MB a context, docs/benchmarks.md). A processor stops only
 * from its own process(), that is while the context runs: a resting context is resumed for that moment,
 * just before it is closed. Resolves when every processor has said so, or after RETIRE_WAIT_MS (a
 * context the browser does not let resume keeps its nodes, as before).
 */
export async function retireLevelNodes(context: unknown): Promise<void> {
  if (!(context instanceof AudioContext)) return;
  const nodes = idleNodes.get(context) ?? [];
  idleNodes.delete(context);
  if (nodes.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = nodes.map(
    (node) =>
      new Promise<void>((resolve) => {
        node.port.onmessage = (event: MessageEvent<ProcessorMessage>) => {
          if (event.data.type === 'retired') resolve();
        };
        node.port.postMessage({ type: 'retire' } satisfies WorkletMessage);
      }),
  );
  try {
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    await Promise.race([Promise.all(stopped), new Promise((resolve) => (timer = setTimeout(resolve, RETIRE_WAIT_MS)))]);
  } finally {
    clearTimeout(timer);
    // An open port with a listener would keep its node alive on its own.
    for (const node of nodes) node.port.close();
  }
}

/**
 * `context` gives the SDK's AudioContext (null before a Device made it: the tap then measures nothing).
 * `failed` hears why meters stand still, once per tap that could not start.
 */
export function workletLevelTaps(context: () => unknown, failed: (reason: string) => void): LevelTapPort {
  return {
    open(stream: MediaStream): LevelTapLike {
      const audio = context();
      let node: AudioWorkletNode | null = null;
      let source: MediaStreamAudioSourceNode | null = null;
      let closed = false;
      const queued: [WorkletMessage, Transferable[]][] = [];
      const send = (message: WorkletMessage, transfer: Transferable[] = []) => {
        if (node) node.port.postMessage(message, transfer);
        else queued.push([message, transfer]);
      };
      if (audio instanceof AudioContext) {
        loadModule(audio)
          .then(() => {
            if (closed) return;
            const idle = idleNodes.get(audio) ?? [];
            idleNodes.set(audio, idle);
            node = idle.pop() ?? new AudioWorkletNode(audio, 'softphone-level', { numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { fps: METER_MAX_FPS } });
            source = audio.createMediaStreamSource(stream);
            source.connect(node);
            for (const [message, transfer] of queued.splice(0)) node.port.postMessage(message, transfer);
          })
          .catch((error: unknown) => failed(error instanceof Error ? error.message : String(error)));
      } else {
        failed('no AudioContext');
      }
      let nextId = 1;
      return {
        connect() {
          const channel = new MessageChannel();
          const id = nextId++;
          send({ type: 'sink', id, port: channel.port1 }, [channel.port1]);
          return { port: channel.port2, close: () => send({ type: 'drop', id }) };
        },
        pause: (paused) => send({ type: 'paused', paused }),
        close() {
          if (closed) return;
          closed = true;
          queued.length = 0;
          // The source lets go of the stream's track; the node, emptied, waits for the next stream.
          source?.disconnect();
          if (node && audio instanceof AudioContext) {
            node.port.postMessage({ type: 'release' } satisfies WorkletMessage);
            idleNodes.get(audio)?.push(node);
          }
          node = null;
        },
      };
    },
  };
}
