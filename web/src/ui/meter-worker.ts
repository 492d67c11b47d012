/**
 * The level meters' painter, a dedicated worker: it owns the meters' canvases (transferred with
 * transferControlToOffscreen) and draws a bar when told its new length (meter-bars.ts). A canvas drawn
 * in a worker reaches the screen without the page's main thread, so a meter moving ten times a second
 * costs the page no style, layout, paint or commit: the main thread only posts the new lengths.
 */
import { meterBars } from './meter-bars';
import type { MeterMessage } from './meter-messages';

const bars = meterBars();
(self as unknown as { onmessage: ((event: MessageEvent<MeterMessage>) => void) | null }).onmessage = (event) => bars.receive(event.data);
