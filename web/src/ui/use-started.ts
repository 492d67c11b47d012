import { useState } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { usePhone } from './phone-context';

/** Registration has finished, one way or the other: the phone is up, or there is a problem to show. */
const selectSettled = (s: PhoneSnapshot) => s.phone.registration === 'registered' || s.phone.problem !== null;

/**
 * True from the moment the phone's first registration settles, and from then on. What is gated on it
 * (lazy views, their chunks) stays out of the first load without vanishing when registration drops later.
 */
export function useStarted(): boolean {
  const [settled] = usePhone(selectSettled);
  const [started, setStarted] = useState(settled);
  if (settled && !started) setStarted(true);
  return started || settled;
}
