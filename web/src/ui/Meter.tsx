import { useEffect, useRef } from 'react';
import { MeterModel } from '../core/levels';
import { usePhone } from './phone-context';

const noSelection = () => null;

/**
 * An audio level bar. Levels arrive a few times a second at most (the core's level feed limits the
 * rate and stops while the page is hidden); each is written straight into the DOM, as a transform the
 * compositor applies without layout or paint, and only when the bar would look different. React never
 * re-renders for a level.
 */
export function Meter({ channel, label }: { channel: 'input' | 'output'; label: string }) {
  const [, phone] = usePhone(noSelection);
  const barRef = useRef<HTMLDivElement | null>(null);
  const meterRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    const model = new MeterModel();
    return phone.onVolume((input, output, at) => {
      const write = model.frame(channel === 'input' ? input : output, at);
      if (write.scale !== undefined && barRef.current) barRef.current.style.transform = `scaleX(${write.scale})`;
      if (write.ariaValue !== undefined) meterRef.current?.setAttribute('aria-valuenow', String(write.ariaValue));
    });
  }, [phone, channel]);

  return (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      <div ref={meterRef} className="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
        <div ref={barRef} className="meter-bar" />
      </div>
    </div>
  );
}
