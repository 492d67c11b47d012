/**
 * The level meters' painter, a dedicated worker: it owns the meters' canvases (transferred with
 * transferControlToOffscreen) and draws a bar when told its new length (meter-bars.ts). A canvas drawn
 * in a worker reaches the screen without the page's main thread, so a meter moving ten times a second
 * costs the page no style, layout, paint or commit: the main thread only posts the new lengths, or,
 * when the levels come straight from the audio thread, nothing at all.
 */
import { meterBars } from './meter-bars';
import type { MeterMessage, MeterReport } from './meter-messages';

const scope = self as unknown as { onmessage: ((event: MessageEvent<MeterMessage>) => void) | null; postMessage(message: MeterReport): void };
const bars = meterBars((report) => scope.postMessage(report));
scope.onmessage = (event) => bars.receive(event.data);
