import { describe, expect, it } from 'vitest';
import { EmergencyCalling, emergencyNumberIn, emergencyNumbers } from './emergency';

describe('emergencyNumbers', () => {
  it.each([
    ['US', ['112', '911']],
    ['GB', ['112', '911', '999']],
    ['JP', ['110', '112', '118', '119', '911']],
    ['TW', ['110', '112', '119', '911']],
    ['RU', ['101', '102', '103', '104', '112', '911']],
    ['AU', ['000', '106', '112', '911']],
    ['IS', ['112', '911']],
  ] as const)('%s', (country, expected) => {
    expect(emergencyNumbers(country)).toEqual(expected);
  });
});

describe('emergencyNumberIn', () => {
  const numbers = emergencyNumbers('GB');
  it.each([
    ['999', '999'],
    [' 9-9-9 ', '999'],
    ['(112)', '112'],
    ['911', '911'],
    ['9999', undefined],
    ['+999', undefined],
    ['99', undefined],
    ['bob', undefined],
    ['', undefined],
  ])('%j → %j', (dialed, expected) => {
    expect(emergencyNumberIn(dialed, numbers)).toBe(expected);
  });
});

describe('EmergencyCalling', () => {
  it('is on only when configured, until disabled', () => {
    expect(new EmergencyCalling(false).on).toBe(false);
    const calling = new EmergencyCalling(true);
    expect(calling.on).toBe(true);
    calling.disable('no emergency address on +12025550100');
    expect(calling.on).toBe(false);
    expect(calling.reason).toBe('no emergency address on +12025550100');
  });
});
