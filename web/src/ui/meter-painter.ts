/**
 * A level meter's bar drawn off the main thread: the meter's canvas is handed to one worker for the
 * page (meter-worker.ts), which draws every new length. Browsers without OffscreenCanvas in workers
 * (and the tests' DOM) get the bar as an element instead, whose transform the compositor applies.
 */
import type { MeterMessage, MeterReport } from './meter-messages';

export interface MeterPainter {
  /** The bar's length, 0..1 of the track. */
  draw(scale: number): void;
  /**
   * The bar follows the levels arriving on `port` (from the audio thread), drawn and paced by the
   * worker; the returned function says they stopped (the bar falls to zero).
   */
  listen(port: MessagePort): () => void;
  dispose(): void;
}

export function canPaintOffMainThread(): boolean {
  return (
    typeof Worker !== 'undefined' &&
    typeof OffscreenCanvas !== 'undefined' &&
    typeof ResizeObserver !== 'undefined' &&
    typeof HTMLCanvasElement !== 'undefined' &&
    'transferControlToOffscreen' in HTMLCanvasElement.prototype
  );
}

/** One worker for every meter of the page, started with the first and kept: a meter may come back any time. */
let worker: Worker | null = null;
let nextId = 1;
/** What each meter does with the accessible value the worker reports for it. */
const ariaWriters = new Map<number, (value: number) => void>();

function painter(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./meter-worker.ts', import.meta.url), { type: 'module', name: 'level meters' });
    // Calls work without meters; say why they stand still rather than fail silently.
    worker.addEventListener('error', (event) => console.error('The level meters could not start:', event.message));
    worker.addEventListener('message', (event: MessageEvent<MeterReport>) => ariaWriters.get(event.data.id)?.(event.data.value));
  }
  return worker;
}

const post = (message: MeterMessage, transfer: Transferable[] = []) => painter().postMessage(message, transfer);

/** Lengths drawn in the current task, sent together once it ends: the meters of one level frame, one message. */
let pending: [id: number, scale: number][] = [];
function drawSoon(id: number, scale: number): void {
  if (pending.length === 0) {
    queueMicrotask(() => {
      post({ type: 'draw', bars: pending });
      pending = [];
    });
  }
  pending = pending.filter(([other]) => other !== id);
  pending.push([id, scale]);
}

/** The bar's colour: the track element's `--call`, which follows the light or dark theme. */
const barColor = (element: Element) => getComputedStyle(element).getPropertyValue('--call').trim() || '#1f9d55';

/**
 * Puts a canvas in `track` and hands it to the worker. The canvas is made here rather than by React:
 * a canvas can be handed over only once, and an effect may run again on the same element. `aria`
 * writes the accessible value the worker reports for levels it receives itself (listen).
 */
export function paintOffMainThread(track: HTMLElement, aria: (value: number) => void = () => undefined): MeterPainter {
  const id = nextId++;
  ariaWriters.set(id, aria);
  const canvas = document.createElement('canvas');
  canvas.className = 'meter-canvas';
  canvas.setAttribute('aria-hidden', 'true');
  track.append(canvas);
  const offscreen = canvas.transferControlToOffscreen();
  post({ type: 'attach', id, canvas: offscreen, color: barColor(canvas) }, [offscreen]);

  // Sized in device pixels so the bar is sharp; the observer reports the first size at once.
  const sizes = new ResizeObserver(([entry]) => {
    if (!entry) return;
    const device = entry.devicePixelContentBoxSize?.[0];
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(device ? device.inlineSize : entry.contentRect.width * ratio);
    const height = Math.round(device ? device.blockSize : entry.contentRect.height * ratio);
    post({ type: 'size', id, width, height });
  });
  sizes.observe(canvas);

  const scheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const recolor = () => post({ type: 'color', id, color: barColor(canvas) });
  scheme?.addEventListener('change', recolor);

  return {
    draw: (scale) => drawSoon(id, scale),
    listen(port) {
      post({ type: 'levels', id, port }, [port]);
      return () => post({ type: 'levels', id, port: null });
    },
    dispose: () => {
      ariaWriters.delete(id);
      sizes.disconnect();
      scheme?.removeEventListener('change', recolor);
      post({ type: 'detach', id });
      canvas.remove();
    },
  };
}
