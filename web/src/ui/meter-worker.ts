/**
 * The level meters' painter, a dedicated worker: it owns the meters' canvases (transferred with
 * transferControlToOffscreen) and draws a bar when told its new length. A canvas drawn in a worker
 * reaches the screen without the page's main thread, so a meter moving ten times a second costs the
 * page no style, layout, paint or commit at all: the main thread only posts a number.
 */
import type { MeterMessage } from './meter-messages';

interface Bar {
  canvas: OffscreenCanvas;
  context: OffscreenCanvasRenderingContext2D;
  color: string;
  scale: number;
}

const bars = new Map<number, Bar>();

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

function receive(message: MeterMessage): void {
  if (message.type === 'attach') {
    const context = message.canvas.getContext('2d');
    if (context) bars.set(message.id, { canvas: message.canvas, context, color: message.color, scale: 0 });
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
}

(self as unknown as { onmessage: ((event: MessageEvent<MeterMessage>) => void) | null }).onmessage = (event) => receive(event.data);
