import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompressDir } from './precompress';

describe('precompressDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-precompress-'));
  mkdirSync(join(dir, 'assets'));
  const big = 'export const greeting = "hello";\n'.repeat(100);
  const files: [name: string, content: string, compressed: boolean][] = [
    ['assets/app-abc.js', big, true],
    ['assets/app-abc.css', big, true],
    ['index.html', big, true],
    ['assets/tiny.js', 'x', false],
    ['assets/app-abc.js.map', big, false],
    ['assets/logo.png', big, false],
  ];
  for (const [name, content] of files) writeFileSync(join(dir, name), content);

  it.each(files)('%s → compressed copies: %s', async (name, content, compressed) => {
    await precompressDir(dir);
    const path = join(dir, name);
    expect(existsSync(`${path}.br`)).toBe(compressed);
    expect(existsSync(`${path}.gz`)).toBe(compressed);
    if (compressed) {
      expect(brotliDecompressSync(readFileSync(`${path}.br`)).toString()).toBe(content);
      expect(gunzipSync(readFileSync(`${path}.gz`)).toString()).toBe(content);
    }
  });
});
