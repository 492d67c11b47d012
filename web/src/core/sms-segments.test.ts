import { describe, expect, it } from 'vitest';
import { countSegments } from './sms-segments';

describe('countSegments', () => {
  it.each([
    ['empty', '', 'GSM-7', 0, 0],
    ['plain ASCII', 'Hello, see you at 3.', 'GSM-7', 20, 1],
    ['160 GSM-7 characters fit one part', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161 split into two parts of 153', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306 fill two parts', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307 need three', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['extension characters count double', '€'.repeat(80), 'GSM-7', 160, 1],
    ['one more extension character splits', `${'€'.repeat(80)}a`, 'GSM-7', 161, 2],
    ['brackets and braces are extension characters', '{[~]}|^\\', 'GSM-7', 16, 1],
    ['accented letters in GSM-7 count once', 'éàüñ', 'GSM-7', 4, 1],
    ['one emoji forces UCS-2 and takes two units', 'Hi 👋', 'UCS-2', 5, 1],
    ['Japanese', 'こんにちは', 'UCS-2', 5, 1],
    ['70 UCS-2 units fit one part', '日'.repeat(70), 'UCS-2', 70, 1],
    ['71 split into parts of 67', '日'.repeat(71), 'UCS-2', 71, 2],
    ['Cyrillic', 'Привет'.repeat(12), 'UCS-2', 72, 2],
    ['Chinese 134 fill two parts', '中'.repeat(134), 'UCS-2', 134, 2],
    ['a character outside GSM-7 (ç lower case) forces UCS-2', 'ça', 'UCS-2', 2, 1],
  ] as const)('%s', (_name, text, encoding, units, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, units, segments });
  });

  it('says how much room is left in the last part', () => {
    expect(countSegments('a'.repeat(150)).remaining).toBe(10);
    expect(countSegments('a'.repeat(200)).remaining).toBe(106);
    expect(countSegments('日'.repeat(60)).remaining).toBe(10);
  });
});
