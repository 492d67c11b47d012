import { useEffect, useRef, useState } from 'react';
import { MeterModel } from '../core/levels';
import { canPaintOffMainThread, paintOffMainThread } from './meter-painter';
import { usePhone } from './phone-context';

const noSelection = () => null;

/**
 * An audio level bar. The bar is a canvas drawn by a worker (meter-painter.ts). Where the phone measures
 * levels on the audio thread (level-taps.ts), they go from there to that worker, which draws them and
 * reports the accessible value once a second: a moving meter costs the page's main thread nothing.
 * Otherwise levels come from the SDK through the core's level feed (a few times a second at most, none
 * while the page is hidden) and only a visibly different length is posted to the worker, or, without
 * OffscreenCanvas, written as an element's transform. React never re-renders for a level.
 */
export function Meter({ channel, label }: { channel: 'input' | 'output'; label: string }) {
  const [, phone] = usePhone(noSelection);
  const [offMainThread] = useState(canPaintOffMainThread);
  const barRef = useRef<HTMLDivElement | null>(null);
  const meterRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    const meter = meterRef.current;
    const painter = offMainThread && meter ? paintOffMainThread(meter, (value) => meter.setAttribute('aria-valuenow', String(value))) : null;
    // Levels measured on the audio thread go straight to the painter: nothing per frame here.
    const stopPort = painter ? phone.onLevelPort(channel, (port) => painter.listen(port)) : null;
    if (painter && stopPort) {
      return () => {
        stopPort();
        painter.dispose();
      };
    }
    const model = new MeterModel();
    const stop = phone.onVolume((input, output, at) => {
      const write = model.frame(channel === 'input' ? input : output, at);
      if (write.scale !== undefined) {
        if (painter) painter.draw(write.scale);
        else if (barRef.current) barRef.current.style.transform = `scaleX(${write.scale})`;
      }
      if (write.ariaValue !== undefined) meterRef.current?.setAttribute('aria-valuenow', String(write.ariaValue));
    });
    return () => {
      stop();
      painter?.dispose();
    };
  }, [phone, channel, offMainThread]);

  return (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      <div ref={meterRef} className="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
        {/* With a painter, its canvas goes here. */}
        {!offMainThread && <div ref={barRef} className="meter-bar" />}
      </div>
    </div>
  );
}
