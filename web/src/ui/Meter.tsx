import { useEffect, useRef } from 'react';
import { usePhone } from './phone-context';

const noSelection = () => null;

/**
 * An audio level bar. Levels arrive many times a second; they are drawn straight into the DOM on
 * the next animation frame, so React never re-renders for them.
 */
export function Meter({ channel, label }: { channel: 'input' | 'output'; label: string }) {
  const [, phone] = usePhone(noSelection);
  const barRef = useRef<HTMLDivElement | null>(null);
  const meterRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    let level = 0;
    let frame = 0;
    const draw = () => {
      frame = 0;
      const scaled = Math.min(1, Math.sqrt(level));
      if (barRef.current) barRef.current.style.transform = `scaleX(${scaled.toFixed(3)})`;
      meterRef.current?.setAttribute('aria-valuenow', String(Math.round(scaled * 100)));
    };
    const off = phone.onVolume((input, output) => {
      level = channel === 'input' ? input : output;
      if (!frame) frame = requestAnimationFrame(draw);
    });
    return () => {
      off();
      if (frame) cancelAnimationFrame(frame);
    };
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
