/**
 * Where a headset keeps its call buttons and lights, read from the device's own report descriptor as
 * WebHID exposes it (`HIDDevice.collections`), never from fixed offsets: report ids and bit positions
 * differ between vendors and even between models of one vendor. Pure functions, table-tested against
 * real headsets' collections (web/src/core/testing/headsets/).
 *
 * Two facts about WebHID's collections shape the code:
 * - Chromium adds every report item to its collection *and all its ancestors*, so a top-level
 *   collection lists each of its reports complete and in order. Bit offsets are counted there; a child
 *   collection only holds part of a report and its offsets would be wrong.
 * - Usages are extended: (usage page << 16) | usage id.
 */

/** The parts of WebHID's HIDReportItem that locate a field (all optional: devices leave much unset). */
export interface HidReportItemInfo {
  usages?: readonly number[];
  usageMinimum?: number;
  usageMaximum?: number;
  isRange?: boolean;
  isArray?: boolean;
  isAbsolute?: boolean;
  isConstant?: boolean;
  reportSize?: number;
  reportCount?: number;
  logicalMinimum?: number;
  logicalMaximum?: number;
}

export interface HidReportInfoLike {
  reportId?: number;
  items?: readonly HidReportItemInfo[];
}

export interface HidCollectionLike {
  usagePage?: number;
  usage?: number;
  type?: number;
  children?: readonly HidCollectionLike[];
  inputReports?: readonly HidReportInfoLike[];
  outputReports?: readonly HidReportInfoLike[];
  featureReports?: readonly HidReportInfoLike[];
}

export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;

export type HeadsetButton = 'hookSwitch' | 'phoneMute' | 'flash' | 'redial';
export type HeadsetLight = 'offHook' | 'ring' | 'mute' | 'hold';

const usage = (page: number, id: number) => ((page << 16) | id) >>> 0;

export const BUTTON_USAGES: Readonly<Record<HeadsetButton, number>> = {
  hookSwitch: usage(TELEPHONY_PAGE, 0x20),
  flash: usage(TELEPHONY_PAGE, 0x21),
  redial: usage(TELEPHONY_PAGE, 0x24),
  phoneMute: usage(TELEPHONY_PAGE, 0x2f),
};

export const LIGHT_USAGES: Readonly<Record<HeadsetLight, number>> = {
  mute: usage(LED_PAGE, 0x09),
  offHook: usage(LED_PAGE, 0x17),
  ring: usage(LED_PAGE, 0x18),
  hold: usage(LED_PAGE, 0x20),
};

export const BUTTONS = Object.keys(BUTTON_USAGES) as HeadsetButton[];
export const LIGHTS = Object.keys(LIGHT_USAGES) as HeadsetLight[];

/** One control's place in a report. Offsets count from the first data byte (WebHID strips the id). */
export interface ReportField {
  reportId: number;
  bitOffset: number;
  bitSize: number;
  /**
   * Absolute fields report a state (1 = off hook, 1 = muted); relative ones report a press (a toggle
   * or one-shot control). Array fields are presses too: the usage is listed while the key is down.
   */
  absolute: boolean;
  /** Array fields only: how many slots follow bitOffset, and the value that names this usage. */
  slots?: number;
  arrayValue?: number;
}

export interface HeadsetLayout {
  buttons: Partial<Record<HeadsetButton, ReportField>>;
  lights: Partial<Record<HeadsetLight, ReportField>>;
  /** Data length in bytes of every output report that carries a light. */
  outputBytes: Record<number, number>;
}

/** The usage of each field of a variable item, in order (the last usage repeats, as the HID spec says). */
function fieldUsages(item: HidReportItemInfo, count: number): number[] {
  if (item.isRange && item.usageMinimum !== undefined && item.usageMaximum !== undefined) {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(Math.min(item.usageMinimum + i, item.usageMaximum));
    return out;
  }
  const list = item.usages ?? [];
  if (list.length === 0) return [];
  return Array.from({ length: count }, (_, i) => list[Math.min(i, list.length - 1)]!);
}

/** The usages an array item can name, indexed from logicalMinimum. */
function arrayUsages(item: HidReportItemInfo): number[] {
  if (item.isRange && item.usageMinimum !== undefined && item.usageMaximum !== undefined) {
    const out: number[] = [];
    for (let u = item.usageMinimum; u <= item.usageMaximum && out.length < 4096; u++) out.push(u);
    return out;
  }
  return [...(item.usages ?? [])];
}

interface LocatedField extends ReportField {
  usage: number;
}

/** Every usage-carrying field of one report, with its bit position. Returns the report's length in bits too. */
export function reportFields(report: HidReportInfoLike): { fields: LocatedField[]; bits: number } {
  const reportId = report.reportId ?? 0;
  const fields: LocatedField[] = [];
  let offset = 0;
  for (const item of report.items ?? []) {
    const size = item.reportSize ?? 0;
    const count = item.reportCount ?? 0;
    // Constant items are padding, unless a device (some do) marks real controls constant: keep their usages.
    if (item.isArray) {
      const min = item.logicalMinimum ?? 0;
      arrayUsages(item).forEach((u, index) => {
        fields.push({ usage: u, reportId, bitOffset: offset, bitSize: size, absolute: false, slots: count, arrayValue: min + index });
      });
    } else {
      fieldUsages(item, count).forEach((u, i) => {
        fields.push({ usage: u, reportId, bitOffset: offset + i * size, bitSize: size, absolute: item.isAbsolute !== false });
      });
    }
    offset += size * count;
  }
  return { fields, bits: offset };
}

/** Telephony collections first: where a usage appears twice, the telephony one is the one to drive. */
function orderedTopLevel(collections: readonly HidCollectionLike[]): HidCollectionLike[] {
  return [...collections].sort((a, b) => Number(b.usagePage === TELEPHONY_PAGE) - Number(a.usagePage === TELEPHONY_PAGE));
}

export function hasTelephony(collections: readonly HidCollectionLike[]): boolean {
  return collections.some((c) => c.usagePage === TELEPHONY_PAGE);
}

/** Finds the call buttons (input reports) and lights (output reports) a device declares. */
export function findHeadsetLayout(collections: readonly HidCollectionLike[]): HeadsetLayout {
  const layout: HeadsetLayout = { buttons: {}, lights: {}, outputBytes: {} };
  for (const collection of orderedTopLevel(collections)) {
    for (const report of collection.inputReports ?? []) {
      for (const field of reportFields(report).fields) {
        const button = BUTTONS.find((b) => BUTTON_USAGES[b] === field.usage);
        if (button && !layout.buttons[button]) layout.buttons[button] = strip(field);
      }
    }
    for (const report of collection.outputReports ?? []) {
      const { fields, bits } = reportFields(report);
      for (const field of fields) {
        const light = LIGHTS.find((l) => LIGHT_USAGES[l] === field.usage);
        // An LED declared as an array cannot be set on its own; no headset we know does that.
        if (!light || layout.lights[light] || field.slots !== undefined) continue;
        layout.lights[light] = strip(field);
        layout.outputBytes[field.reportId] = Math.ceil(bits / 8);
      }
    }
  }
  return layout;
}

function strip({ usage: _usage, ...field }: LocatedField): ReportField {
  return field;
}

/** A headset worth driving: it has at least a hook switch or phone mute to read. */
export function isUsableHeadset(layout: HeadsetLayout): boolean {
  return layout.buttons.hookSwitch !== undefined || layout.buttons.phoneMute !== undefined;
}

function readBits(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size && i < 32; i++) {
    const bit = offset + i;
    const byte = bytes[bit >> 3];
    if (byte === undefined) break;
    if ((byte >> (bit & 7)) & 1) value += 2 ** i;
  }
  return value;
}

function writeBits(bytes: Uint8Array, offset: number, size: number, value: number): void {
  for (let i = 0; i < size && i < 32; i++) {
    const bit = offset + i;
    const index = bit >> 3;
    if (index >= bytes.length) return;
    const mask = 1 << (bit & 7);
    if (Math.floor(value / 2 ** i) % 2) bytes[index]! |= mask;
    else bytes[index]! &= ~mask;
  }
}

function asBytes(data: DataView | Uint8Array | ArrayBuffer): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The buttons an input report carries, each with its value (0 = up / on hook; non-zero = down / off hook). */
export function decodeButtons(layout: HeadsetLayout, reportId: number, data: DataView | Uint8Array | ArrayBuffer): Partial<Record<HeadsetButton, number>> {
  const bytes = asBytes(data);
  const out: Partial<Record<HeadsetButton, number>> = {};
  for (const button of BUTTONS) {
    const field = layout.buttons[button];
    if (!field || field.reportId !== reportId) continue;
    if (field.slots !== undefined) {
      let down = 0;
      for (let s = 0; s < field.slots; s++) {
        if (readBits(bytes, field.bitOffset + s * field.bitSize, field.bitSize) === field.arrayValue) down = 1;
      }
      out[button] = down;
    } else {
      out[button] = readBits(bytes, field.bitOffset, field.bitSize);
    }
  }
  return out;
}

export type LightState = Record<HeadsetLight, boolean>;

export const LIGHTS_OFF: LightState = { offHook: false, ring: false, mute: false, hold: false };

/** The output reports that set the lights to `state`: one per report id that carries a known light. */
export function encodeLights(layout: HeadsetLayout, state: LightState): Array<{ reportId: number; data: Uint8Array<ArrayBuffer> }> {
  const reports = new Map<number, Uint8Array<ArrayBuffer>>();
  for (const light of LIGHTS) {
    const field = layout.lights[light];
    if (!field) continue;
    let data = reports.get(field.reportId);
    if (!data) {
      data = new Uint8Array(layout.outputBytes[field.reportId] ?? Math.ceil((field.bitOffset + field.bitSize) / 8));
      reports.set(field.reportId, data);
    }
    writeBits(data, field.bitOffset, field.bitSize, state[light] ? 1 : 0);
  }
  return [...reports.entries()].sort(([a], [b]) => a - b).map(([reportId, data]) => ({ reportId, data }));
}
