import { describe, expect, it } from 'vitest';
import {
  decodeButtons,
  encodeLights,
  findHeadsetLayout,
  isUsableHeadset,
  LIGHTS_OFF,
  type HeadsetButton,
  type HeadsetLight,
  type HidCollectionLike,
  type ReportField,
} from './hid-usages';
import { HEADSET_FIXTURES } from './testing/headsets';

type Where = Pick<ReportField, 'reportId' | 'bitOffset' | 'absolute'> | undefined;

/**
 * Expected places, worked out by hand from each fixture's source (its descriptor, or its published bit
 * table), not from the finder: report id, bit offset from the first data byte, absolute or not.
 */
const EXPECTED: Record<string, { buttons: Record<HeadsetButton, Where>; lights: Record<HeadsetLight, Where>; outputBytes: Record<number, number> }> = {
  // Input report 1: Park(0) Hold(1) Hook Switch(2) Phone Mute(3) Line Busy(4) Button 7(5) Flash(6) …
  'vbet-vt-lync': {
    buttons: {
      hookSwitch: { reportId: 1, bitOffset: 2, absolute: true },
      phoneMute: { reportId: 1, bitOffset: 3, absolute: false },
      flash: { reportId: 1, bitOffset: 6, absolute: true },
      redial: undefined,
    },
    // Output 2: Off-Hook(0) Hold(1) Microphone(2) + 117 padding; 3: Mute(0); 4: Ring(0). 120 bits each.
    lights: {
      offHook: { reportId: 2, bitOffset: 0, absolute: true },
      hold: { reportId: 2, bitOffset: 1, absolute: true },
      mute: { reportId: 3, bitOffset: 0, absolute: true },
      ring: { reportId: 4, bitOffset: 0, absolute: true },
    },
    outputBytes: { 2: 15, 3: 15, 4: 15 },
  },
  // Input report 8: Phone Mute (Rel) then Hook Switch, Flash (Abs). One light per 1-bit output report.
  'poly-blackwire-3220': {
    buttons: {
      hookSwitch: { reportId: 8, bitOffset: 1, absolute: true },
      phoneMute: { reportId: 8, bitOffset: 0, absolute: false },
      flash: { reportId: 8, bitOffset: 2, absolute: true },
      redial: undefined,
    },
    lights: {
      mute: { reportId: 9, bitOffset: 0, absolute: true },
      offHook: { reportId: 23, bitOffset: 0, absolute: true },
      ring: { reportId: 24, bitOffset: 0, absolute: true },
      hold: undefined,
    },
    outputBytes: { 9: 1, 23: 1, 24: 1 },
  },
  // Report 2 both ways: Hook(0) Busy(1) Line(2) Mute(3) Flash(4) Redial(5) …; Off-Hook(0) Mute(1) Ring(2) Hold(3) …, 16 bits.
  'gigaset-dongle': {
    buttons: {
      hookSwitch: { reportId: 2, bitOffset: 0, absolute: true },
      phoneMute: { reportId: 2, bitOffset: 3, absolute: false },
      flash: { reportId: 2, bitOffset: 4, absolute: false },
      redial: { reportId: 2, bitOffset: 5, absolute: false },
    },
    lights: {
      offHook: { reportId: 2, bitOffset: 0, absolute: true },
      mute: { reportId: 2, bitOffset: 1, absolute: true },
      ring: { reportId: 2, bitOffset: 2, absolute: true },
      hold: { reportId: 2, bitOffset: 3, absolute: true },
    },
    outputBytes: { 2: 2 },
  },
};

const place = (field: ReportField | undefined): Where =>
  field && { reportId: field.reportId, bitOffset: field.bitOffset, absolute: field.absolute };

describe('findHeadsetLayout over real headsets', () => {
  it('has a fixture for each expectation and at least three vendors', () => {
    expect(Object.keys(HEADSET_FIXTURES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const layout = findHeadsetLayout(HEADSET_FIXTURES[name]!.device.collections);

    it.each(Object.entries(expected.buttons))('button %s', (button, where) => {
      expect(place(layout.buttons[button as HeadsetButton])).toEqual(where);
    });
    it.each(Object.entries(expected.lights))('light %s', (light, where) => {
      expect(place(layout.lights[light as HeadsetLight])).toEqual(where);
    });
    it('output report lengths', () => {
      expect(layout.outputBytes).toEqual(expected.outputBytes);
      expect(isUsableHeadset(layout)).toBe(true);
    });
  });
});

describe('decodeButtons and encodeLights', () => {
  it('VBeT: hook switch down and phone mute pressed in one report', () => {
    const layout = findHeadsetLayout(HEADSET_FIXTURES['vbet-vt-lync']!.device.collections);
    const data = new Uint8Array(15);
    data[0] = 0b0000_1100;
    expect(decodeButtons(layout, 1, new DataView(data.buffer))).toEqual({ hookSwitch: 1, phoneMute: 1, flash: 0 });
    expect(decodeButtons(layout, 5, data)).toEqual({});
  });

  it('VBeT: each light goes to its own report, padded to the report length', () => {
    const layout = findHeadsetLayout(HEADSET_FIXTURES['vbet-vt-lync']!.device.collections);
    const reports = encodeLights(layout, { offHook: true, ring: false, mute: true, hold: false });
    expect(reports.map((r) => [r.reportId, r.data.length, r.data[0]])).toEqual([
      [2, 15, 0b01],
      [3, 15, 0b1],
      [4, 15, 0],
    ]);
  });

  it('Gigaset: the lights share one report and keep each other’s bits', () => {
    const layout = findHeadsetLayout(HEADSET_FIXTURES['gigaset-dongle']!.device.collections);
    const [report] = encodeLights(layout, { offHook: true, ring: true, mute: false, hold: true });
    expect(report!.reportId).toBe(2);
    expect([...report!.data]).toEqual([0b1101, 0]);
    expect([...encodeLights(layout, LIGHTS_OFF)[0]!.data]).toEqual([0, 0]);
  });

  it('Poly: mute press is bit 0, hook switch bit 1 of report 8', () => {
    const layout = findHeadsetLayout(HEADSET_FIXTURES['poly-blackwire-3220']!.device.collections);
    expect(decodeButtons(layout, 8, new Uint8Array([0b010]))).toEqual({ hookSwitch: 1, phoneMute: 0, flash: 0 });
    expect(decodeButtons(layout, 8, new Uint8Array([0b001]))).toEqual({ hookSwitch: 0, phoneMute: 1, flash: 0 });
  });
});

// Descriptor shapes the real fixtures do not cover: ranges, arrays, no report ids, nested collections.
const T = (id: number) => (0x0b << 16) | id;
const L = (id: number) => (0x08 << 16) | id;

describe('findHeadsetLayout: descriptor shapes', () => {
  it('a usage range: Hook Switch..Phone Mute over 16 one-bit fields', () => {
    const collections: HidCollectionLike[] = [
      {
        usagePage: 0x0b,
        usage: 5,
        inputReports: [{ reportId: 3, items: [{ isRange: true, usageMinimum: T(0x20), usageMaximum: T(0x2f), reportSize: 1, reportCount: 16, isAbsolute: false }] }],
      },
    ];
    const layout = findHeadsetLayout(collections);
    expect(place(layout.buttons.hookSwitch)).toEqual({ reportId: 3, bitOffset: 0, absolute: false });
    expect(place(layout.buttons.redial)).toEqual({ reportId: 3, bitOffset: 4, absolute: false });
    expect(place(layout.buttons.phoneMute)).toEqual({ reportId: 3, bitOffset: 15, absolute: false });
  });

  it('an array item: the key is down while any slot names it', () => {
    const collections: HidCollectionLike[] = [
      {
        usagePage: 0x0b,
        usage: 5,
        inputReports: [
          { reportId: 1, items: [{ reportSize: 4, reportCount: 1, isConstant: true }, { isArray: true, usages: [T(0x21), T(0x24), T(0x20)], logicalMinimum: 1, logicalMaximum: 3, reportSize: 4, reportCount: 2 }] },
        ],
      },
    ];
    const layout = findHeadsetLayout(collections);
    expect(layout.buttons.hookSwitch).toMatchObject({ bitOffset: 4, slots: 2, arrayValue: 3, absolute: false });
    // Slot 1 (bits 4-7) empty, slot 2 (bits 8-11) names the third usage: Hook Switch.
    expect(decodeButtons(layout, 1, new Uint8Array([0x00, 0x03]))).toEqual({ hookSwitch: 1, flash: 0, redial: 0 });
    expect(decodeButtons(layout, 1, new Uint8Array([0x20, 0x00]))).toEqual({ hookSwitch: 0, flash: 0, redial: 1 });
  });

  it('no report ids: report 0, and usages shorter than the count repeat the last one', () => {
    const collections: HidCollectionLike[] = [
      {
        usagePage: 0x0b,
        usage: 5,
        inputReports: [{ items: [{ usages: [T(0x2f), T(0x20)], reportSize: 1, reportCount: 3, isAbsolute: true }] }],
        outputReports: [{ items: [{ reportSize: 2, reportCount: 1, isConstant: true }, { usages: [L(0x18), L(0x17)], reportSize: 1, reportCount: 2 }] }],
      },
    ];
    const layout = findHeadsetLayout(collections);
    expect(place(layout.buttons.phoneMute)).toEqual({ reportId: 0, bitOffset: 0, absolute: true });
    expect(place(layout.buttons.hookSwitch)).toEqual({ reportId: 0, bitOffset: 1, absolute: true });
    expect(encodeLights(layout, { ...LIGHTS_OFF, ring: true, offHook: true })).toEqual([{ reportId: 0, data: new Uint8Array([0b1100]) }]);
  });

  it('offsets come from the top-level collection, where a report is whole, not from a child holding part of it', () => {
    const mute = { usages: [T(0x2f)], reportSize: 1, reportCount: 1, isAbsolute: false };
    const collections: HidCollectionLike[] = [
      {
        usagePage: 0x0b,
        usage: 5,
        inputReports: [{ reportId: 2, items: [{ usages: [T(0x20)], reportSize: 1, reportCount: 1 }, { reportSize: 7, reportCount: 1, isConstant: true }, mute] }],
        children: [{ usagePage: 0x0b, usage: 0x06, inputReports: [{ reportId: 2, items: [mute] }] }],
      },
    ];
    expect(place(findHeadsetLayout(collections).buttons.phoneMute)).toEqual({ reportId: 2, bitOffset: 8, absolute: false });
  });

  it('prefers the telephony collection when another collection declares the same LED', () => {
    const led = (reportId: number) => ({ reportId, items: [{ usages: [L(0x09)], reportSize: 1, reportCount: 1 }] });
    const layout = findHeadsetLayout([
      { usagePage: 0x01, usage: 6, outputReports: [led(1)] },
      { usagePage: 0x0b, usage: 5, outputReports: [led(7)] },
    ]);
    expect(layout.lights.mute?.reportId).toBe(7);
  });

  it('a keyboard is not a headset', () => {
    const layout = findHeadsetLayout([{ usagePage: 0x01, usage: 6, outputReports: [{ reportId: 0, items: [{ isRange: true, usageMinimum: L(1), usageMaximum: L(5), reportSize: 1, reportCount: 5 }] }] }]);
    expect(isUsableHeadset(layout)).toBe(false);
  });
});
