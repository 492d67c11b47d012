/**
 * HTTP Range requests on recording media (RFC 9110 §14), so a player can seek: one byte range per
 * request. Anything else that names bytes (several ranges, reversed or out-of-bounds ones, numbers
 * too long to be offsets, junk) is refused with 416; a unit other than bytes is ignored (200).
 */

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Longest offset accepted: 15 digits is far beyond any recording and still an exact number. */
const RANGE = /^bytes=(\d{0,15})-(\d{0,15})$/;

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  const value = header?.replace(/\s+/g, '') ?? '';
  // No Range, or a unit other than bytes: the whole file.
  if (!/^bytes=/i.test(value)) return { kind: 'full' };
  const m = RANGE.exec(`bytes=${value.slice(6)}`);
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return { kind: 'unsatisfiable' };
  const first = m[1]!;
  const last = m[2]!;
  if (first === '') {
    // A suffix: the last N bytes.
    const n = Number(last);
    return n === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
