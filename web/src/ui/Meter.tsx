import { useEffect, useRef, useState } from 'react';
import { MeterModel } from '../core/levels';
import { canPaintOffMainThread, paintOffMainThread } from './meter-painter';
import { usePhone } from './phone-context';

const noSelection = () => null;

/**
 * An audio level bar. Levels arrive a few times a second at most (the core's level feed limits the
 * rate and stops while the page is hidden) and only a visibly different length is drawn. The bar is a
 * canvas drawn by a worker (meter-painter.ts), so a moving meter costs the page's main thread nothing
 * but a message; where that is not available, an element whose transform is written straight into the
 * DOM. React never re-renders for a level.
 */
export function Meter({ channel, label }: { channel: 'input' | 'output'; label: string }) {
  const [, phone] = usePhone(noSelection);
  const [offMainThread] = useState(canPaintOffMainThread);
  const barRef = useRef<HTMLDivElement | null>(null);
  const meterRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    const model = new MeterModel();
    const painter = offMainThread && meterRef.current ? paintOffMainThread(meterRef.current) : null;
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
