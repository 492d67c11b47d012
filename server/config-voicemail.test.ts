import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import type { Env } from './config';

const errorOf = (env: Env): string => {
  try {
    parseConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('parseConfig: voicemail', () => {
  it.each([
    [undefined, 'twilio'],
    ['twilio', 'twilio'],
    ['database', 'database'],
    [' Database ', 'database'],
  ])('VOICEMAIL_STORE %j keeps audio in %s', (raw, store) => {
    expect(parseConfig(raw === undefined ? {} : { VOICEMAIL_STORE: raw }).voicemail.store).toBe(store);
  });

  it('keeps messages until deleted unless VOICEMAIL_RETENTION_DAYS says otherwise', () => {
    expect(parseConfig({}).voicemail.retentionDays).toBeUndefined();
    expect(parseConfig({ VOICEMAIL_RETENTION_DAYS: '90' }).voicemail.retentionDays).toBe(90);
  });

  it.each([
    [{ VOICEMAIL_RETENTION_DAYS: '0' }, 'VOICEMAIL_RETENTION_DAYS: a whole number from 1 to 36500, got "0"'],
    [{ VOICEMAIL_RETENTION_DAYS: 'a month' }, 'VOICEMAIL_RETENTION_DAYS: a whole number from 1 to 36500, got "a month"'],
    [{ VOICEMAIL_MAX_SECONDS: '2' }, 'VOICEMAIL_MAX_SECONDS: a whole number from 5 to 3600, got "2"'],
    [{ VOICEMAIL_STORE: 's3' }, 'VOICEMAIL_STORE: "twilio" (audio stays at Twilio) or "database" (copied into PostgreSQL, removed at Twilio), got "s3"'],
  ])('%j is refused in one line naming the variable', (env, message) => {
    expect(errorOf(env)).toBe(message);
  });
});

describe('parseConfig: business hours', () => {
  it('is always open without BUSINESS_HOURS, and has a default after-hours greeting', () => {
    const { voicemail } = parseConfig({});
    expect(voicemail.businessHours).toBeUndefined();
    expect(voicemail.afterHoursGreeting).toMatch(/closed/);
  });

  it('reads BUSINESS_HOURS and VOICEMAIL_AFTER_HOURS_GREETING', () => {
    const { voicemail } = parseConfig({ BUSINESS_HOURS: 'Europe/Paris;Mon-Fri 09:00-18:00', VOICEMAIL_AFTER_HOURS_GREETING: 'Closed. Leave a message.' });
    expect(voicemail.businessHours?.timeZone).toBe('Europe/Paris');
    expect(voicemail.afterHoursGreeting).toBe('Closed. Leave a message.');
  });

  it.each([
    ['Paris;Mon-Fri 09:00-18:00', 'BUSINESS_HOURS: "Paris" is not a time zone'],
    ['Europe/Paris;Mon-Fri 18:00-09:00', 'BUSINESS_HOURS: "18:00-09:00" ends before it starts'],
  ])('refuses %j in one line naming the variable', (raw, start) => {
    const message = errorOf({ BUSINESS_HOURS: raw });
    expect(message.startsWith(start)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
