/**
 * Business hours (BUSINESS_HOURS): a time zone, a weekly schedule and holiday dates, e.g.
 *
 *   Europe/Paris;Mon-Fri 09:00-12:30,13:30-18:00;Sat 10:00-13:00;holidays 2026-12-25,2027-01-01
 *
 * Times are wall-clock times in that zone, so a schedule stays right across daylight-saving changes (Intl
 * does the conversion; no time zone data of our own). A range ends after it starts on the same day
 * (24:00 is the end of the day); a night shift is two ranges on two days. Pure: `isOpen` takes the time.
 */

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
type Day = (typeof DAYS)[number];

export interface BusinessHours {
  timeZone: string;
  /** Per weekday (Monday first): open ranges in minutes after local midnight, [start, end). */
  week: readonly (readonly [number, number][])[];
  /** Local dates (YYYY-MM-DD) closed all day. */
  holidays: ReadonlySet<string>;
}

export const BUSINESS_HOURS_FORMAT = 'a time zone, then weekly hours and holidays separated by ";", e.g. "Europe/Paris;Mon-Fri 09:00-18:00;Sat 10:00-13:00;holidays 2026-12-25"';

/** Parses the setting; throws an Error whose message says what is wrong (the config names the variable). */
export function parseBusinessHours(raw: string): BusinessHours {
  const [zonePart, ...rest] = raw.split(';').map((p) => p.trim());
  const timeZone = zonePart ?? '';
  if (!isTimeZone(timeZone)) throw new Error(`"${timeZone}" is not a time zone (an IANA name such as Europe/Paris or America/New_York); expected ${BUSINESS_HOURS_FORMAT}`);
  const week: [number, number][][] = DAYS.map(() => []);
  const holidays = new Set<string>();
  for (const part of rest) {
    if (part === '') continue;
    const holiday = /^holidays?\s+(.+)$/i.exec(part);
    if (holiday) {
      for (const date of holiday[1]!.split(',').map((d) => d.trim())) {
        if (!isDate(date)) throw new Error(`"${date}" is not a date (YYYY-MM-DD) in "${part}"`);
        holidays.add(date);
      }
      continue;
    }
    const m = /^(\S+)\s+(.+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not days and hours such as "Mon-Fri 09:00-18:00"`);
    const days = parseDays(m[1]!, part);
    const ranges = m[2]!.split(',').map((r) => parseRange(r.trim(), part));
    for (const d of days) week[d]!.push(...ranges);
  }
  if (week.every((d) => d.length === 0)) throw new Error(`no opening hours: add days and hours such as "Mon-Fri 09:00-18:00"`);
  for (const ranges of week) ranges.sort((a, b) => a[0] - b[0]);
  return { timeZone, week, holidays };
}

/** Whether calls are taken at `at`. */
export function isOpen(at: Date, hours: BusinessHours): boolean {
  const local = localTime(at, hours.timeZone);
  if (hours.holidays.has(local.date)) return false;
  return hours.week[local.weekday]!.some(([start, end]) => local.minutes >= start && local.minutes < end);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date, weekday (Monday 0) and minute of the day in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: DAYS.indexOf(parts.weekday as Day),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

function dayIndex(name: string, part: string): number {
  const i = DAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new Error(`"${name}" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) in "${part}"`);
  return i;
}

/** "Mon-Fri", "Sat", "Mon,Wed,Fri", "Fri-Mon" (wrapping over the weekend). */
function parseDays(text: string, part: string): number[] {
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const [from, to] = item.split('-');
    const a = dayIndex(from ?? '', part);
    if (to === undefined) {
      days.add(a);
      continue;
    }
    const b = dayIndex(to, part);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days];
}

function parseRange(text: string, part: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not hours such as 09:00-18:00 in "${part}"`);
  const [start, end] = [minutes(m[1]!, m[2]!), minutes(m[3]!, m[4]!)];
  if (start === undefined || end === undefined) throw new Error(`"${text}" has a time that does not exist (00:00 to 24:00) in "${part}"`);
  if (end <= start) throw new Error(`"${text}" ends before it starts; split a night across two days, e.g. "Fri 22:00-24:00;Sat 00:00-06:00"`);
  return [start, end];
}

function minutes(h: string, m: string): number | undefined {
  const total = Number(h) * 60 + Number(m);
  return Number(m) > 59 || total > 24 * 60 ? undefined : total;
}
