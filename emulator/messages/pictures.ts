/**
 * Small pictures a simulated phone can send (pure): a PNG and a baseline JPEG of 8×8 blocks in colours
 * drawn from a seed (the phone's number), so two phones' pictures differ and a test can tell them apart.
 * Written by hand because only these two tiny encoders are needed: the PNG is filtered rows deflated by
 * zlib; the JPEG's blocks are flat, so each is its DC coefficient alone and the encoder needs no DCT.
 */
import { crc32, deflateSync } from 'node:zlib';

export const PICTURE_WIDTH = 64;
export const PICTURE_HEIGHT = 48;
const BLOCK = 8;

type Rgb = [number, number, number];

function hash(seed: string): number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return h;
}

/** The colour of block (bx, by): a diagonal blend between two colours picked by the seed. */
function blockColour(seed: string, bx: number, by: number): Rgb {
  const h = hash(seed);
  const a: Rgb = [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
  const b: Rgb = [255 - a[1], 255 - a[2], 255 - a[0]];
  const t = (bx + by) / (PICTURE_WIDTH / BLOCK + PICTURE_HEIGHT / BLOCK - 2);
  return a.map((v, i) => Math.round(v + (b[i]! - v) * t)) as Rgb;
}

function pixel(seed: string, x: number, y: number): Rgb {
  return blockColour(seed, Math.floor(x / BLOCK), Math.floor(y / BLOCK));
}

// ---- PNG ------------------------------------------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function pngPicture(seed: string): Buffer {
  const w = PICTURE_WIDTH;
  const h = PICTURE_HEIGHT;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, truecolour, deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    const row = y * (1 + w * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < w; x++) raw.set(pixel(seed, x, y), row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- JPEG -----------------------------------------------------------------------------------------

/** The standard luminance DC table (ITU T.81 K.3): code lengths 1..16 and the categories they code. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** Every block is flat, so the only AC symbol is end-of-block, coded with one bit. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];

/** Canonical Huffman codes from a table's code-length counts (T.81 C.2). */
function huffmanCodes(bits: number[], values: number[]): Map<number, { code: number; length: number }> {
  const out = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]!; i++) out.set(values[k++]!, { code: code++, length });
    code <<= 1;
  }
  return out;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }

  /** Pads the last byte with ones, as T.81 asks. */
  finish(): Buffer {
    while (this.n !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

function segment(marker: number, data: number[]): Buffer {
  const len = data.length + 2;
  return Buffer.from([0xff, marker, len >> 8, len & 0xff, ...data]);
}

function ycbcr([r, g, b]: Rgb): Rgb {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
}

export function jpegPicture(seed: string): Buffer {
  const w = PICTURE_WIDTH;
  const h = PICTURE_HEIGHT;
  const dc = huffmanCodes(DC_BITS, DC_VALUES);
  const eob = huffmanCodes(AC_BITS, AC_VALUES).get(0)!;
  const bits = new BitWriter();
  const previous = [0, 0, 0];
  // One MCU per 8×8 block (no subsampling): Y, Cb, Cr, each a DC difference and an end-of-block.
  for (let by = 0; by < h / BLOCK; by++) {
    for (let bx = 0; bx < w / BLOCK; bx++) {
      const colour = ycbcr(blockColour(seed, bx, by));
      for (let c = 0; c < 3; c++) {
        // A flat block's DC coefficient with a quantiser of 1 is 8 × (level − 128).
        const value = Math.max(-1024, Math.min(1016, Math.round(8 * (colour[c]! - 128))));
        const diff = value - previous[c]!;
        previous[c] = value;
        const magnitude = Math.abs(diff);
        const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
        const code = dc.get(category)!;
        bits.write(code.code, code.length);
        if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
        bits.write(eob.code, eob.length);
      }
    }
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF 1.1, no thumbnail
    segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // one quantisation table of ones
    segment(0xc0, [8, h >> 8, h & 0xff, w >> 8, w & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
    segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES, 0x10, ...AC_BITS, ...AC_VALUES]),
    segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export function picture(kind: 'png' | 'jpeg', seed: string): { contentType: string; bytes: Buffer } {
  return kind === 'png'
    ? { contentType: 'image/png', bytes: pngPicture(seed) }
    : { contentType: 'image/jpeg', bytes: jpegPicture(seed) };
}
