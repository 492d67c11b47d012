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
  it('keeps messages until deleted unless VOICEMAIL_RETENTION_DAYS says otherwise', () => {
    expect(parseConfig({}).voicemail.retentionDays).toBeUndefined();
    expect(parseConfig({ VOICEMAIL_RETENTION_DAYS: '90' }).voicemail.retentionDays).toBe(90);
  });

  it.each([
    [{ VOICEMAIL_RETENTION_DAYS: '0' }, 'VOICEMAIL_RETENTION_DAYS: a whole number from 1 to 36500, got "0"'],
    [{ VOICEMAIL_RETENTION_DAYS: 'a month' }, 'VOICEMAIL_RETENTION_DAYS: a whole number from 1 to 36500, got "a month"'],
    [{ VOICEMAIL_MAX_SECONDS: '2' }, 'VOICEMAIL_MAX_SECONDS: a whole number from 5 to 3600, got "2"'],
  ])('%j is refused in one line naming the variable', (env, message) => {
    expect(errorOf(env)).toBe(message);
  });
});
