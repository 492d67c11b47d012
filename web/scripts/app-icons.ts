/**
 * The app's icons, drawn at build time (no image files in the repository, no image library): a white
 * handset on the accent blue, as PNGs in the sizes browsers ask for. The shapes are signed distance
 * functions sampled 4×4 per pixel, so edges are smooth at every size.
 */
import { crc32, deflateSync } from 'node:zlib';

export const THEME_COLOR = '#2456d6';
export const BACKGROUND_COLOR = '#f4f6f9';

type Rgb = [number, number, number];
const ACCENT: Rgb = [0x24, 0x56, 0xd6];
const WHITE: Rgb = [0xff, 0xff, 0xff];

/** Signed distance to a box centred at (cx, cy) with half sizes (hx, hy) and corner radius r. */
function roundedBox(x: number, y: number, cx: number, cy: number, hx: number, hy: number, r: number): number {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** The handset in a unit square: an arch (upper half of a ring) with an ear and a mouth piece. */
function handset(x: number, y: number): number {
  const cx = 0.5;
  const cy = 0.6;
  const arch = Math.max(Math.abs(Math.hypot(x - cx, y - cy) - 0.25) - 0.065, y - cy);
  const ear = roundedBox(x, y, 0.235, 0.625, 0.1, 0.075, 0.05);
  const mouth = roundedBox(x, y, 0.765, 0.625, 0.1, 0.075, 0.05);
  return Math.min(arch, ear, mouth);
}

export interface IconSpec {
  size: number;
  /** Maskable icons fill the square and keep the glyph inside the central safe zone. */
  maskable: boolean;
}

/** RGBA pixels of one icon. */
export function drawIcon({ size, maskable }: IconSpec): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const glyphScale = maskable ? 0.62 : 0.8;
  const samples = size >= 256 ? 2 : 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const inBg = maskable || roundedBox(x, y, 0.5, 0.5, 0.5, 0.5, 0.22) <= 0;
          if (!inBg) continue;
          bg++;
          if (handset(0.5 + (x - 0.5) / glyphScale, 0.5 + (y - 0.5) / glyphScale) <= 0) fg++;
        }
      }
      const total = samples * samples;
      const f = fg / Math.max(bg, 1);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.round(ACCENT[c]! * (1 - f) + WHITE[c]! * f);
      pixels[i + 3] = Math.round((bg / total) * 255);
    }
  }
  return pixels;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG file (8-bit RGBA, no interlace) from RGBA pixels. */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Every icon the app ships: file name → spec. */
export const ICONS: Record<string, IconSpec> = {
  'icons/icon-32.png': { size: 32, maskable: false },
  'icons/apple-touch-icon.png': { size: 180, maskable: true },
  'icons/icon-192.png': { size: 192, maskable: false },
  'icons/icon-512.png': { size: 512, maskable: false },
  'icons/maskable-512.png': { size: 512, maskable: true },
};

/** The web app manifest. */
export function manifest(): Record<string, unknown> {
  const icon = (src: string, purpose: 'any' | 'maskable') => {
    const { size } = ICONS[src]!;
    return { src: `/${src}`, sizes: `${size}x${size}`, type: 'image/png', purpose };
  };
  return {
    id: '/',
    name: 'Softphone',
    short_name: 'Softphone',
    description: "Calls to and from your team's phone number, in the browser.",
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: BACKGROUND_COLOR,
    theme_color: THEME_COLOR,
    icons: [icon('icons/icon-192.png', 'any'), icon('icons/icon-512.png', 'any'), icon('icons/maskable-512.png', 'maskable')],
  };
}
