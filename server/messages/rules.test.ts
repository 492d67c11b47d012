import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageStatus } from '../../contracts/api/messages';
import { foldStatus, isMessageStatus, optChange, parseErrorCode, preview } from './rules';
import type { StatusFact } from './rules';

const f = (status: MessageStatus, errorCode: number | null = null): StatusFact => ({ status, errorCode });

describe('foldStatus', () => {
  it.each<[string, StatusFact, StatusFact[], StatusFact]>([
    ['in order', f('queued'), [f('sending'), f('sent'), f('delivered')], f('delivered')],
    ['delivered before sent', f('queued'), [f('delivered'), f('sent')], f('delivered')],
    ['a repeat changes nothing', f('queued'), [f('sent'), f('sent')], f('sent')],
    ['failure keeps its code', f('queued'), [f('sent'), f('undelivered', 30006)], f('undelivered', 30006)],
    ['failure before sent', f('queued'), [f('failed', 30003), f('sent'), f('queued')], f('failed', 30003)],
    ['a late confirmation wins over a failure report', f('sent'), [f('undelivered', 30008), f('delivered')], f('delivered')],
    ['a failure without code gains one', f('queued'), [f('failed'), f('undelivered', 30005)], f('undelivered', 30005)],
    ['the create answer may already be ahead', f('sent'), [f('queued')], f('sent')],
  ])('%s', (_name, start, facts, expected) => {
    expect(foldStatus(start, facts)).toEqual(expected);
  });

  it('gives the same state for any order and any repeats of the same callbacks', () => {
    const all: StatusFact[] = [f('queued'), f('sending'), f('sent'), f('undelivered', 30003)];
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: 1 }), fc.array(fc.nat({ max: 3 }), { maxLength: 4 }), (order, repeats) => {
        const facts = [...order, ...repeats.map((i) => order[i % order.length]!)];
        const sorted = [...facts].sort((a, b) => a.status.localeCompare(b.status));
        expect(foldStatus(f('queued'), facts)).toEqual(foldStatus(f('queued'), sorted));
      }),
    );
  });
});

describe('message rules', () => {
  it.each([
    ['STOP', 'out'],
    [' stop ', 'out'],
    ['Unsubscribe', 'out'],
    ['START', 'in'],
    ['unstop', 'in'],
    ['please stop calling', null],
    ['', null],
  ] as const)('optChange(%j) is %s', (body, expected) => {
    expect(optChange(body)).toBe(expected);
  });

  it.each([
    ['30006', 30006],
    [' 21610 ', 21610],
    ['', null],
    ['abc', null],
    [undefined, null],
    ['1234567', null],
  ] as const)('parseErrorCode(%j) is %s', (raw, expected) => {
    expect(parseErrorCode(raw)).toBe(expected);
  });

  it.each([
    ['hello\n  there', 0, 'hello there'],
    ['', 1, '(1 picture)'],
    ['  ', 2, '(2 pictures)'],
    ['x'.repeat(300), 0, 'x'.repeat(200)],
  ] as const)('preview(%j, %d)', (body, media, expected) => {
    expect(preview(body, media)).toBe(expected);
  });

  it('knows the statuses', () => {
    expect(isMessageStatus('delivered')).toBe(true);
    expect(isMessageStatus('read')).toBe(false);
    expect(isMessageStatus('constructor')).toBe(false);
  });
});
