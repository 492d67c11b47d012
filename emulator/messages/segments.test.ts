import { describe, expect, it } from 'vitest';
import { characterCount, isGsm7, segmentInfo } from './segments';

const gsm = (n: number) => 'a'.repeat(n);
const ja = (n: number) => 'あ'.repeat(n);
const emoji = (n: number) => '😀'.repeat(n);

describe('SMS segments', () => {
  it.each([
    ['empty body', '', 'GSM-7', 0, 1],
    ['one GSM-7 character', 'a', 'GSM-7', 1, 1],
    ['160 GSM-7 characters fit one part', gsm(160), 'GSM-7', 160, 1],
    ['161 split into 153-septet parts', gsm(161), 'GSM-7', 161, 2],
    ['306 = two full parts of 153', gsm(306), 'GSM-7', 306, 2],
    ['307 needs a third part', gsm(307), 'GSM-7', 307, 3],
    ['GSM-7 accents and Greek stay GSM-7', 'Ça coute 5 £ à Øresund ΔΦΓ', 'GSM-7', 26, 1],
    ['an extension character counts double', '€', 'GSM-7', 2, 1],
    ['each of ^{}\\[~]| counts double', '^{}\\[~]|', 'GSM-7', 16, 1],
    ['159 plain + one extension = 161 septets: two parts', gsm(159) + '€', 'GSM-7', 161, 2],
    ['80 extension characters = 160 septets: one part', '€'.repeat(80), 'GSM-7', 160, 1],
    ['an escape pair never straddles two parts', gsm(152) + '€' + gsm(10), 'GSM-7', 164, 2],
    ['306 septets, but a pair at the boundary moves whole: three parts', gsm(152) + '€' + gsm(152), 'GSM-7', 306, 3],
    ['one non-GSM character switches to UCS-2', gsm(69) + 'ú', 'UCS-2', 70, 1],
    ['70 Japanese characters fit one part', ja(70), 'UCS-2', 70, 1],
    ['71 Japanese characters split into 67-unit parts', ja(71), 'UCS-2', 71, 2],
    ['134 = two full parts of 67', ja(134), 'UCS-2', 134, 2],
    ['135 needs a third part', ja(135), 'UCS-2', 135, 3],
    ['Russian is UCS-2', 'Привет, как дела?', 'UCS-2', 17, 1],
    ['an emoji is 2 UTF-16 units', emoji(1), 'UCS-2', 2, 1],
    ['35 emoji = 70 units: one part', emoji(35), 'UCS-2', 70, 1],
    ['36 emoji = 72 units: two parts', emoji(36), 'UCS-2', 72, 2],
    ['a surrogate pair never straddles two parts', ja(66) + emoji(1) + ja(10), 'UCS-2', 78, 2],
    ['134 units, but an emoji at the boundary moves whole: three parts', ja(66) + emoji(1) + ja(66), 'UCS-2', 134, 3],
  ])('%s', (_name, body, encoding, units, segments) => {
    expect(segmentInfo(body)).toMatchObject({ encoding, units, segments });
  });

  it('reports the part size in use', () => {
    expect(segmentInfo(gsm(160)).perSegment).toBe(160);
    expect(segmentInfo(gsm(161)).perSegment).toBe(153);
    expect(segmentInfo(ja(70)).perSegment).toBe(70);
    expect(segmentInfo(ja(71)).perSegment).toBe(67);
  });

  it('knows the GSM 03.38 alphabet', () => {
    expect(isGsm7('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà')).toBe(true);
    expect(isGsm7('\f^{}\\[~]|€')).toBe(true);
    for (const ch of ['`', 'ç', 'á', 'ê', '–', '’', '“', '…', '\t', 'ü'.normalize('NFD')]) expect(isGsm7(ch), JSON.stringify(ch)).toBe(false);
  });

  it('counts characters as code points', () => {
    expect(characterCount('a😀あ')).toBe(3);
  });
});
