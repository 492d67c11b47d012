// Business hours in the call decision: outside them a caller to the team number goes straight to voicemail
// with the after-hours greeting; inside them, and for calls that are not to the team number, nothing changes.
import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from './business-hours';
import { decideVoice } from './decide';
import type { VoiceContext } from './decide';

const hours = parseBusinessHours('America/New_York;Mon-Fri 09:00-17:00;holidays 2026-07-03');
const voicemail = { greeting: 'Leave a message.', afterHoursGreeting: 'We are closed. Leave a message.', maxSeconds: 60, businessHours: hours };
const ctx: VoiceContext = {
  teamNumber: '+12025550100',
  defaultCountry: 'US',
  allowedCountries: ['US'],
  users: ['alice', 'bob'],
  ringGroup: ['alice', 'bob'],
  ringTimeoutSeconds: 20,
  available: new Set(['alice', 'bob']),
  voicemail,
};
const caller = { From: '+12025550199', To: '+12025550100', CallSid: 'CA1' };
const ring = { kind: 'ring-group', callerId: '+12025550199', identities: ['alice', 'bob'], timeout: 20 };
const afterHours = { kind: 'nobody-available', then: { kind: 'voicemail', greeting: 'We are closed. Leave a message.', maxSeconds: 60, silenceSeconds: 5 } };

describe('decideVoice with business hours', () => {
  it.each([
    ['Monday 10:00 in New York', '2026-03-09T14:00:00Z', ring],
    ['Monday 08:00 in New York (12:00 UTC)', '2026-03-09T12:00:00Z', afterHours],
    ['Saturday noon', '2026-03-14T16:00:00Z', afterHours],
    ['a holiday on a Friday', '2026-07-03T15:00:00Z', afterHours],
    ['Friday 16:59', '2026-03-13T20:59:00Z', ring],
  ])('%s', (_name, at, expected) => {
    expect(decideVoice(caller, { ...ctx, now: new Date(at) })).toEqual(expected);
  });

  it('without business hours it is always open; without an after-hours greeting the usual one is heard', () => {
    const night = new Date('2026-03-14T04:00:00Z');
    expect(decideVoice(caller, { ...ctx, now: night, voicemail: { greeting: 'Leave a message.', maxSeconds: 60 } })).toEqual(ring);
    const { afterHoursGreeting: _, ...plain } = voicemail;
    expect(decideVoice(caller, { ...ctx, now: night, voicemail: plain })).toMatchObject({ then: { kind: 'voicemail', greeting: 'Leave a message.' } });
  });

  it('colleagues still reach each other and browsers still call out after hours', () => {
    const night = new Date('2026-03-14T04:00:00Z');
    expect(decideVoice({ From: 'client:alice', To: 'bob', CallSid: 'CA2' }, { ...ctx, now: night })).toEqual({ kind: 'dial-client', identity: 'bob', timeout: 20 });
    expect(decideVoice({ From: 'client:alice', To: '+12025550123', CallSid: 'CA3' }, { ...ctx, now: night })).toMatchObject({ kind: 'dial-number' });
  });
});
