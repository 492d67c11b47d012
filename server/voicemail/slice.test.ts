import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { byteSlice } from './slice';

const FILE = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

async function sliceOf(start: number, end: number, chunk: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const source = Readable.from(Array.from({ length: Math.ceil(FILE.length / chunk) }, (_, i) => FILE.subarray(i * chunk, (i + 1) * chunk)));
  const slice = byteSlice(start, end);
  slice.on('data', (b: Buffer) => parts.push(b));
  await pipeline(source, slice).catch(() => undefined);
  return Buffer.concat(parts);
}

describe('byteSlice', () => {
  it.each([
    [0, 999, 1000],
    [0, 999, 7],
    [100, 199, 64],
    [990, 999, 97],
    [0, 0, 1],
    [500, 500, 1000],
    [250, 750, 250],
  ])('bytes %i-%i in chunks of %i', async (start, end, chunk) => {
    expect(Buffer.compare(await sliceOf(start, end, chunk), FILE.subarray(start, end + 1))).toBe(0);
  });
});
