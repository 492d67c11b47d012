import { describe, expect, it } from 'vitest';
import { readRange } from './range';
import type { RangeAnswer } from './range';

const partial = (start: number, end: number): RangeAnswer => ({ kind: 'partial', start, end });
const full: RangeAnswer = { kind: 'full' };
const no: RangeAnswer = { kind: 'unsatisfiable' };

describe('readRange (a 1000-byte file)', () => {
  it.each<[string | undefined, RangeAnswer]>([
    [undefined, full],
    ['bytes=0-', partial(0, 999)],
    ['bytes=0-99', partial(0, 99)],
    ['bytes=500-5000', partial(500, 999)],
    ['bytes=999-999', partial(999, 999)],
    ['bytes=-100', partial(900, 999)],
    ['bytes=-5000', partial(0, 999)],
    ['BYTES=10-20', partial(10, 20)],
    ['bytes= 10 - 20', partial(10, 20)],
    ['items=0-10', full],
    ['bytes=1000-', no],
    ['bytes=20-10', no],
    ['bytes=-0', no],
    ['bytes=-', no],
    ['bytes=0-1,5-9', no],
    ['bytes=abc', no],
    ['bytes=-1-2', no],
    ['bytes=99999999999999999999-', no],
    ['bytes=1e3-', no],
  ])('%s', (header, expected) => {
    expect(readRange(header, 1000)).toEqual(expected);
  });

  it('an empty file has no satisfiable range', () => {
    expect(readRange('bytes=0-', 0)).toEqual(no);
    expect(readRange('bytes=-10', 0)).toEqual(no);
  });
});
