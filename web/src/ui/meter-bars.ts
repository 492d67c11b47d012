/**
 * What the meters' painter (meter-worker.ts) does with each message: it keeps the canvases it was given
 * by id and draws a bar whenever one's length, size or colour changes. A meter given a port of levels
 * (from the audio thread, level-worklet.ts) turns them into lengths itself (MeterModel) and reports its
 * accessible value back to the page. Apart from the worker so that it can be tested with a fake canvas.
 */
import { MeterModel } from '../core/levels';
import type { MeterMessage, MeterReport } from './meter-messages';

/** The part of a canvas the painter uses (an OffscreenCanvas in the worker). */
export interface BarCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): BarContext | null;
}

export type BarContext = Pick<OffscreenCanvasRenderingContext2D, 'clearRect' | 'save' | 'beginPath' | 'roundRect' | 'clip' | 'fillRect' | 'restore' | 'fillStyle'>;

interface Bar {
  canvas: BarCanvas;
  context: BarContext;
  color: string;
  scale: number;
  /** Where its levels arrive, when they come straight from the audio thread. */
  levels: MessagePort | null;
}

/** Levels from the audio thread are on a decibel scale already: the bar follows them as they are. */
const asMeasured = (level: number) => level;

/** The bar from the left, clipped to the track's pill shape (the track itself is the element's CSS background). */
function draw(bar: Bar): void {
  const { canvas, context } = bar;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const length = Math.round(width * bar.scale);
  if (length <= 0 || height <= 0) return;
  context.save();
  context.beginPath();
  context.roundRect(0, 0, width, height, height / 2);
  context.clip();
  context.fillStyle = bar.color;
  context.fillRect(0, 0, length, height);
  context.restore();
}

/**
 * A painter's state; returns what to do with each message, and how many canvases it holds. `report`
 * sends a meter's accessible value to the page; `now` is the clock that paces it.
 */
export function meterBars(
  report: (message: MeterReport) => void = () => undefined,
  now: () => number = () => performance.now(),
): { receive(message: MeterMessage): void; readonly size: number } {
  const bars = new Map<number, Bar>();
  const listen = (id: number, bar: Bar, port: MessagePort | null) => {
    bar.levels?.close();
    bar.levels = port;
    const model = new MeterModel(asMeasured);
    const show = (level: number) => {
      const write = model.frame(level, now());
      if (write.scale !== undefined) {
        bar.scale = write.scale;
        draw(bar);
      }
      if (write.ariaValue !== undefined) report({ type: 'aria', id, value: write.ariaValue });
    };
    if (port) port.onmessage = (event: MessageEvent<number>) => show(event.data);
    else if (bar.scale !== 0) {
      bar.scale = 0;
      draw(bar);
      report({ type: 'aria', id, value: 0 });
    }
  };
  const receive = (message: MeterMessage): void => {
    if (message.type === 'attach') {
      const canvas = message.canvas as BarCanvas;
      const context = canvas.getContext('2d');
      if (context) bars.set(message.id, { canvas, context, color: message.color, scale: 0, levels: null });
      return;
    }
    if (message.type === 'draw') {
      for (const [id, scale] of message.bars) {
        const bar = bars.get(id);
        if (!bar) continue;
        bar.scale = scale;
        draw(bar);
      }
      return;
    }
    const bar = bars.get(message.id);
    if (!bar) return;
    switch (message.type) {
      case 'size':
        // Setting a canvas's size clears it, so the bar is drawn again at its last length.
        if (bar.canvas.width === message.width && bar.canvas.height === message.height) return;
        bar.canvas.width = message.width;
        bar.canvas.height = message.height;
        break;
      case 'color':
        bar.color = message.color;
        break;
      case 'levels':
        listen(message.id, bar, message.port);
        return;
      case 'detach':
        bar.levels?.close();
        bars.delete(message.id);
        return;
    }
    draw(bar);
  };
  return {
    receive,
    get size() {
      return bars.size;
    },
  };
}
