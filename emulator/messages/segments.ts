/**
 * How many SMS segments a body takes (pure), as carriers and Twilio count them: GSM-7 when every
 * character is in the GSM 03.38 alphabet (160 septets, 153 per part once split; the extension table's
 * characters take an escape septet too), otherwise UCS-2 (70 UTF-16 units, 67 per part; characters
 * outside the Basic Multilingual Plane, emoji among them, take two). A character is never split
 * between two parts, so a part may carry one unit fewer than its capacity.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the whole body takes. */
  units: number;
  segments: number;
  /** Units a part holds: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
}

/** GSM 03.38 default alphabet, in code order (the escape 0x1B left out). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each is sent as the escape septet and one more. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export const GSM_SINGLE = 160;
export const GSM_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

export function isGsm7(body: string): boolean {
  for (const ch of body) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

/** Parts needed for characters of these sizes, none split between parts. */
function parts(sizes: number[], single: number, part: number): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= single) return 1;
  let count = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      count++;
      used = 0;
    }
    used += size;
  }
  return count;
}

export function segmentInfo(body: string): SegmentInfo {
  const chars = [...body];
  if (isGsm7(body)) {
    const sizes = chars.map((ch) => (GSM_EXTENSION.has(ch) ? 2 : 1));
    const segments = parts(sizes, GSM_SINGLE, GSM_PART);
    return { encoding: 'GSM-7', units: sizes.reduce((a, b) => a + b, 0), segments, perSegment: segments > 1 ? GSM_PART : GSM_SINGLE };
  }
  const sizes = chars.map((ch) => ch.length);
  const segments = parts(sizes, UCS2_SINGLE, UCS2_PART);
  return { encoding: 'UCS-2', units: body.length, segments, perSegment: segments > 1 ? UCS2_PART : UCS2_SINGLE };
}

/** Characters as Twilio counts a body's length against its 1600 limit (code points). */
export function characterCount(body: string): number {
  return [...body].length;
}
