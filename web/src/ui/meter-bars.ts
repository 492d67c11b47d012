/**
 * What the meters' painter (meter-worker.ts) does with each message: it keeps the canvases it was given
 * by id and draws a bar whenever one's length, size or colour changes. Apart from the worker so that the
 * drawing can be tested with a fake canvas.
 */
import type { MeterMessage } from './meter-messages';

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
}

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

/** A painter's state; returns what to do with each message, and how many canvases it holds. */
export function meterBars(): { receive(message: MeterMessage): void; readonly size: number } {
  const bars = new Map<number, Bar>();
  const receive = (message: MeterMessage): void => {
    if (message.type === 'attach') {
      const canvas = message.canvas as BarCanvas;
      const context = canvas.getContext('2d');
      if (context) bars.set(message.id, { canvas, context, color: message.color, scale: 0 });
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
      case 'detach':
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
