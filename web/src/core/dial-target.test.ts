import * as lib from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { checkDialInput, describePeer, formatAsTyped, matchColleagues, sanitizeDialInput } from './dial-target';

const rules = { colleagues: ['bob', 'carol', 'Bobby'], defaultCountry: 'US', allowedCountries: ['US', 'CA'] };

describe('checkDialInput', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
    ['(202) 555-0123', { kind: 'number', target: '+12025550123', country: 'US' }],
    ['202.555.0123', { kind: 'number', target: '+12025550123', country: 'US' }],
    ['+1 202 555 0123', { kind: 'number', target: '+12025550123', country: 'US' }],
    ['+1 416 555 0199', { kind: 'number', target: '+14165550199', country: 'CA' }],
    ['202555', { kind: 'invalid', problem: 'tooShort' }],
    ['+1202555012345678', { kind: 'invalid', problem: 'tooLong' }],
    ['+44 20 7946 0123', { kind: 'notAllowed', country: 'GB' }],
    ['+81 3 1234 5678', { kind: 'notAllowed', country: 'JP' }],
    ['+800 1234 5678', { kind: 'notAllowed', country: '+800' }],
    ['bob', { kind: 'colleague', name: 'bob', target: 'client:bob' }],
    ['BOB', { kind: 'colleague', name: 'bob', target: 'client:bob' }],
    ['client:carol', { kind: 'colleague', name: 'carol', target: 'client:carol' }],
    ['dave', { kind: 'invalid', problem: 'unknownName' }],
  ])('%j → %j', (input, expected) => {
    expect(checkDialInput(input, rules, lib)).toEqual(expected);
  });
});

describe('checkDialInput: emergency numbers', () => {
  const gb = { ...rules, defaultCountry: 'GB', allowedCountries: ['GB'] };
  it.each([
    ['911', rules, { kind: 'emergency', number: '911', calling: false }],
    ['112', rules, { kind: 'emergency', number: '112', calling: false }],
    ['9 1 1', rules, { kind: 'emergency', number: '911', calling: false }],
    ['999', { ...gb, emergency: { calling: false, numbers: ['112', '911', '999'] } }, { kind: 'emergency', number: '999', calling: false }],
    ['999', { ...gb, emergency: { calling: true, numbers: ['112', '911', '999'] } }, { kind: 'emergency', number: '999', calling: true }],
    ['999', rules, { kind: 'invalid', problem: 'tooShort' }],
    ['9115', rules, { kind: 'invalid', problem: 'tooShort' }],
    ['+911', rules, { kind: 'invalid', problem: 'tooShort' }],
  ] as const)('%j → %j', (input, dialRules, expected) => {
    expect(checkDialInput(input, dialRules, lib)).toEqual(expected);
  });
});

describe('dial input helpers', () => {
  it('keeps only dialable characters', () => {
    expect(sanitizeDialInput(' +1 (202) 555-0123 ')).toBe('+12025550123');
    expect(sanitizeDialInput('12*3#')).toBe('12*3#');
    expect(sanitizeDialInput('bob ')).toBe('bob');
  });

  it('formats as typed in the default country', () => {
    expect(formatAsTyped('2025550', 'US', lib)).toBe('(202) 555-0');
    expect(formatAsTyped('+4420794', 'US', lib)).toBe('+44 20 794');
    expect(formatAsTyped('bob', 'US', lib)).toBe('bob');
  });

  it('matches colleagues by prefix, then substring', () => {
    expect(matchColleagues('bo', rules.colleagues)).toEqual(['bob', 'Bobby']);
    expect(matchColleagues('ro', rules.colleagues)).toEqual(['carol']);
    expect(matchColleagues('202', rules.colleagues)).toEqual([]);
  });

  it('describes peers for caller ID', () => {
    expect(describePeer('client:bob', 'US', lib)).toEqual({ kind: 'colleague', name: 'bob' });
    expect(describePeer('+12025550123', 'US', lib)).toEqual({ kind: 'number', text: '(202) 555-0123' });
    expect(describePeer('+442079460123', 'US', lib)).toEqual({ kind: 'number', text: '+44 20 7946 0123' });
    expect(describePeer('+12025550123', 'US', null)).toEqual({ kind: 'number', text: '+12025550123' });
  });
});
