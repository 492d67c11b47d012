import { describe, expect, it } from 'vitest';
import { meterBars, type BarCanvas, type BarContext } from './meter-bars';
import type { MeterMessage, MeterReport } from './meter-messages';

/** A port's receiving end, as the worker sees it: the test posts levels with `level`. */
function fakePort() {
  const port = { onmessage: null as ((event: MessageEvent<number>) => void) | null, closed: false, close: () => void (port.closed = true) };
  return { port, asPort: port as unknown as MessagePort, level: (value: number) => port.onmessage?.({ data: value } as MessageEvent<number>) };
}

/** A canvas whose context records the bars drawn on it: each fill's width, height and colour. */
function fakeCanvas() {
  const fills: { width: number; height: number; color: string }[] = [];
  let clears = 0;
  const context = {
    fillStyle: '' as BarContext['fillStyle'],
    clearRect: () => void clears++,
    save: () => undefined,
    beginPath: () => undefined,
    roundRect: () => undefined,
    clip: () => undefined,
    restore: () => undefined,
    fillRect(_x: number, _y: number, width: number, height: number) {
      fills.push({ width, height, color: String(this.fillStyle) });
    },
  };
  const canvas: BarCanvas = { width: 300, height: 150, getContext: () => context };
  return { canvas, fills, clears: () => clears };
}

const attach = (id: number, canvas: BarCanvas, color = 'green'): MeterMessage => ({ type: 'attach', id, canvas: canvas as unknown as OffscreenCanvas, color });

describe('meter bars (the painter worker)', () => {
  it('draws each bar at its length, in device pixels, several meters in one message', () => {
    const bars = meterBars();
    const mic = fakeCanvas();
    const speaker = fakeCanvas();
    bars.receive(attach(1, mic.canvas));
    bars.receive(attach(2, speaker.canvas, 'blue'));
    bars.receive({ type: 'size', id: 1, width: 200, height: 8 });
    bars.receive({ type: 'draw', bars: [[1, 0.5], [2, 1]] });
    expect(mic.canvas).toMatchObject({ width: 200, height: 8 });
    expect(mic.fills.at(-1)).toEqual({ width: 100, height: 8, color: 'green' });
    expect(speaker.fills.at(-1)).toEqual({ width: 300, height: 150, color: 'blue' });
  });

  it('draws silence as an empty track, and the last length again after a resize or a new colour', () => {
    const bars = meterBars();
    const mic = fakeCanvas();
    bars.receive(attach(1, mic.canvas));
    bars.receive({ type: 'draw', bars: [[1, 0.25]] });
    bars.receive({ type: 'draw', bars: [[1, 0]] });
    expect(mic.fills).toHaveLength(1);
    expect(mic.clears()).toBe(2);
    bars.receive({ type: 'draw', bars: [[1, 0.5]] });
    bars.receive({ type: 'size', id: 1, width: 100, height: 10 });
    expect(mic.fills.at(-1)).toEqual({ width: 50, height: 10, color: 'green' });
    bars.receive({ type: 'color', id: 1, color: 'lime' });
    expect(mic.fills.at(-1)).toEqual({ width: 50, height: 10, color: 'lime' });
    // The same size again clears nothing and draws nothing.
    const drawn = mic.fills.length;
    bars.receive({ type: 'size', id: 1, width: 100, height: 10 });
    expect(mic.fills).toHaveLength(drawn);
  });

  it('lets go of a meter’s canvas when it leaves, and ignores lengths for it afterwards', () => {
    const bars = meterBars();
    const mic = fakeCanvas();
    bars.receive(attach(1, mic.canvas));
    bars.receive({ type: 'detach', id: 1 });
    bars.receive({ type: 'draw', bars: [[1, 1]] });
    expect(bars.size).toBe(0);
    expect(mic.fills).toHaveLength(0);
  });

  it('draws levels arriving from the audio thread and reports the accessible value at most once a second', () => {
    const reports: MeterReport[] = [];
    let now = 0;
    const bars = meterBars((r) => reports.push(r), () => now);
    const mic = fakeCanvas();
    bars.receive(attach(1, mic.canvas));
    bars.receive({ type: 'size', id: 1, width: 100, height: 10 });
    const levels = fakePort();
    bars.receive({ type: 'levels', id: 1, port: levels.asPort });
    // Levels on a decibel scale are drawn as they are (no square root), in 50 steps.
    levels.level(0.5);
    expect(mic.fills.at(-1)).toEqual({ width: 50, height: 10, color: 'green' });
    now = 100;
    levels.level(0.8);
    expect(mic.fills.at(-1)).toEqual({ width: 80, height: 10, color: 'green' });
    // The same step again draws nothing.
    const drawn = mic.fills.length;
    now = 200;
    levels.level(0.801);
    expect(mic.fills).toHaveLength(drawn);
    now = 1000;
    levels.level(0.3);
    expect(reports).toEqual([
      { type: 'aria', id: 1, value: 50 },
      { type: 'aria', id: 1, value: 30 },
    ]);
    // The levels stop (the call ended): the bar falls to zero and says so.
    bars.receive({ type: 'levels', id: 1, port: null });
    expect(levels.port.closed).toBe(true);
    expect(mic.clears()).toBeGreaterThan(0);
    expect(reports.at(-1)).toEqual({ type: 'aria', id: 1, value: 0 });
    const next = fakePort();
    bars.receive({ type: 'levels', id: 1, port: next.asPort });
    bars.receive({ type: 'detach', id: 1 });
    expect(next.port.closed).toBe(true);
  });
});
