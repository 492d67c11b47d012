import { describe, expect, it } from 'vitest';
import type { PhoneState } from '../core/state';
import { phoneStatusKey } from './Header';

type Row = [PhoneState['status'], PhoneState['registration'], string];

describe('phoneStatusKey', () => {
  it.each<Row>([
    ['ready', 'registered', 'registration.registered'],
    ['registering', 'registering', 'registration.registering'],
    ['registering', 'unregistered', 'registration.unregistered'],
    ['signedOut', 'unregistered', 'registration.unregistered'],
    ['error', 'registered', 'registration.error'],
    ['error', 'unregistered', 'registration.error'],
    ['incoming', 'registered', 'registration.incoming'],
    ['dialing', 'registered', 'registration.onCall'],
    ['ringing', 'registered', 'registration.onCall'],
    ['inCall', 'registered', 'registration.onCall'],
    ['reconnecting', 'registered', 'registration.onCall'],
    // A call whose signaling is down: say so rather than "on a call".
    ['inCall', 'registering', 'registration.registering'],
  ])('%s while %s → %s', (status, registration, key) => {
    expect(phoneStatusKey({ status, registration })).toBe(key);
  });
});
