import { describe, expect, it } from 'vitest';
import { isOpen, parseBusinessHours } from './business-hours';

const PARIS = parseBusinessHours('Europe/Paris;Mon-Fri 09:00-12:30,13:30-18:00;Sat 10:00-13:00;holidays 2026-12-25,2027-01-01');
const NEW_YORK = parseBusinessHours('America/New_York;Mon-Fri 08:00-17:00');
const SYDNEY = parseBusinessHours('Australia/Sydney;Mon-Fri 09:00-17:00');
const KOLKATA = parseBusinessHours('Asia/Kolkata;Mon-Sat 10:00-19:00');
const NIGHTS = parseBusinessHours('UTC;Fri 22:00-24:00;Sat 00:00-06:00');
const WEEKEND = parseBusinessHours('Asia/Tokyo;Fri-Mon 00:00-24:00');

describe('isOpen', () => {
  it.each([
    // Paris in winter (UTC+1) and summer (UTC+2).
    ['Paris, Monday 09:00 in winter', PARIS, '2026-01-05T08:00:00Z', true],
    ['Paris, Monday 08:59 in winter', PARIS, '2026-01-05T07:59:00Z', false],
    ['Paris, lunch break', PARIS, '2026-01-05T12:00:00Z', false],
    ['Paris, 13:30 after lunch', PARIS, '2026-01-05T12:30:00Z', true],
    ['Paris, 18:00 is closed (ranges end before their end)', PARIS, '2026-01-05T17:00:00Z', false],
    ['Paris, Saturday morning', PARIS, '2026-01-10T09:30:00Z', true],
    ['Paris, Saturday afternoon', PARIS, '2026-01-10T12:30:00Z', false],
    ['Paris, Sunday', PARIS, '2026-01-11T10:00:00Z', false],
    ['Paris, Christmas on a Friday', PARIS, '2026-12-25T10:00:00Z', false],
    ['Paris, the Friday before', PARIS, '2026-12-18T10:00:00Z', true],
    ['Paris, New Year holiday by local date (still 31 Dec in UTC)', PARIS, '2026-12-31T23:30:00Z', false],
    // DST in Europe: last Sunday of March (29 Mar 2026) and of October (25 Oct 2026).
    ['Paris, Monday after spring forward, 09:00 is 07:00 UTC', PARIS, '2026-03-30T07:00:00Z', true],
    ['Paris, Monday after spring forward, 08:30 local', PARIS, '2026-03-30T06:30:00Z', false],
    ['Paris, Friday before spring forward, 07:00 UTC is 08:00 local', PARIS, '2026-03-27T07:00:00Z', false],
    ['Paris, Monday after fall back, 09:00 is 08:00 UTC', PARIS, '2026-10-26T08:00:00Z', true],
    ['Paris, Monday after fall back, 07:30 UTC is 08:30 local', PARIS, '2026-10-26T07:30:00Z', false],
    ['Paris, 17:59 in summer', PARIS, '2026-07-01T15:59:00Z', true],
    // DST in the US changes on other dates (8 Mar and 1 Nov 2026).
    ['New York, Monday 08:00 EDT after 8 Mar', NEW_YORK, '2026-03-09T12:00:00Z', true],
    ['New York, Friday 07:00 EST before 8 Mar', NEW_YORK, '2026-03-06T12:00:00Z', false],
    ['New York, Monday 08:00 EST after 1 Nov', NEW_YORK, '2026-11-02T13:00:00Z', true],
    ['New York, 16:59 is still Monday, 21:59 UTC', NEW_YORK, '2026-11-02T21:59:00Z', true],
    ['New York, Friday evening is Saturday in UTC', NEW_YORK, '2026-01-10T00:30:00Z', false],
    // The southern hemisphere: Sydney is UTC+11 in January, UTC+10 in July.
    ['Sydney, Monday 09:00 in January (Sunday 22:00 UTC)', SYDNEY, '2026-01-04T22:00:00Z', true],
    ['Sydney, Monday 09:00 in July (Sunday 23:00 UTC)', SYDNEY, '2026-07-05T23:00:00Z', true],
    ['Sydney, Monday 08:00 in July', SYDNEY, '2026-07-05T22:00:00Z', false],
    // Half-hour offsets.
    ['Kolkata, 10:00 is 04:30 UTC', KOLKATA, '2026-02-02T04:30:00Z', true],
    ['Kolkata, 09:59', KOLKATA, '2026-02-02T04:29:00Z', false],
    // Ranges up to midnight and over the weekend.
    ['a night shift, Friday 23:00', NIGHTS, '2026-01-09T23:00:00Z', true],
    ['a night shift, Saturday 05:59', NIGHTS, '2026-01-10T05:59:00Z', true],
    ['a night shift, Saturday 06:00', NIGHTS, '2026-01-10T06:00:00Z', false],
    ['Fri-Mon wraps: Sunday in Tokyo', WEEKEND, '2026-01-11T03:00:00Z', true],
    ['Fri-Mon wraps: Tuesday in Tokyo (Monday in UTC)', WEEKEND, '2026-01-12T16:00:00Z', false],
  ])('%s', (_name, hours, at, open) => {
    expect(isOpen(new Date(at), hours)).toBe(open);
  });
});

describe('parseBusinessHours', () => {
  it('reads days, ranges and holidays, in any case, with spaces', () => {
    const h = parseBusinessHours(' Europe/Paris ; mon,wed 08:00-10:00 ; Wed 12:00-24:00 ; holiday 2026-05-01 ');
    expect(h.timeZone).toBe('Europe/Paris');
    expect(h.week[0]).toEqual([[480, 600]]);
    expect(h.week[2]).toEqual([[480, 600], [720, 1440]]);
    expect(h.week[1]).toEqual([]);
    expect([...h.holidays]).toEqual(['2026-05-01']);
  });

  it.each([
    ['Paris;Mon-Fri 09:00-18:00', /"Paris" is not a time zone/],
    ['Mars/Olympus;Mon 09:00-18:00', /not a time zone/],
    ['', /not a time zone/],
    ['Europe/Paris', /no opening hours/],
    ['Europe/Paris;holidays 2026-12-25', /no opening hours/],
    ['Europe/Paris;Mon-Fry 09:00-18:00', /"Fry" is not a day/],
    ['Europe/Paris;Mon-Fri 9-18', /"9-18" is not hours/],
    ['Europe/Paris;Mon-Fri 18:00-09:00', /ends before it starts; split a night/],
    ['Europe/Paris;Mon-Fri 09:00-24:30', /does not exist/],
    ['Europe/Paris;Mon-Fri 09:60-10:00', /does not exist/],
    ['Europe/Paris;Mon-Fri', /not days and hours/],
    ['Europe/Paris;Mon-Fri 09:00-18:00;holidays 2026-02-30', /"2026-02-30" is not a date/],
    ['Europe/Paris;Mon-Fri 09:00-18:00;holidays 25/12/2026', /is not a date/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseBusinessHours(raw)).toThrow(message);
  });
});
