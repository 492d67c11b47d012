import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawIcon, encodePng, ICONS, manifest } from './app-icons';
import { bundleWorker, shellFiles } from './pwa';

describe('app icons', () => {
  it.each(Object.entries(ICONS))('%s is a PNG of its size', (_file, spec) => {
    const png = encodePng(spec.size, drawIcon(spec));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(spec.size);
    expect(png.readUInt32BE(20)).toBe(spec.size);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const rows = inflateSync(png.subarray(41, 41 + idatLength));
    expect(rows.length).toBe(spec.size * (spec.size * 4 + 1));
  });

  it('maskable icons fill the square; the others have transparent rounded corners; both show a white handset', () => {
    const size = 64;
    const any = drawIcon({ size, maskable: false });
    const maskable = drawIcon({ size, maskable: true });
    expect(any[3]).toBe(0);
    expect(maskable[3]).toBe(255);
    const white = (px: Uint8Array) => Array.from({ length: size * size }, (_, i) => i).filter((i) => px[i * 4] === 255 && px[i * 4 + 2] === 255).length;
    expect(white(any)).toBeGreaterThan(size * size * 0.05);
    expect(white(maskable)).toBeLessThan(white(any));
  });
});

describe('manifest', () => {
  it('is installable: name, standalone, start URL in scope, 192 and 512 icons, a maskable one', () => {
    const m = manifest() as { name: string; display: string; start_url: string; scope: string; icons: Array<{ sizes: string; purpose: string }> };
    expect(m.name).toBe('Softphone');
    expect(m.display).toBe('standalone');
    expect(m.start_url.startsWith(m.scope)).toBe(true);
    expect(m.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  });
});

describe('service worker build', () => {
  it('lists the build’s files as the shell, index.html as "/", without source maps or the worker', () => {
    expect(shellFiles(['index.html', 'assets/a.js', 'assets/a.js.map', 'sw.js', 'manifest.webmanifest'])).toEqual(['/', '/assets/a.js', '/manifest.webmanifest']);
  });

  it('bundles the worker with its version and file list filled in', async () => {
    const code = await bundleWorker('v123', ['/', '/assets/a.js']);
    expect(code).toContain('softphone-shell-');
    expect(code).toContain('v123');
    expect(code).toContain('"/assets/a.js"');
    expect(code).not.toContain('__SHELL_');
    expect(code).not.toMatch(/\bimport\b|\bexport\b/);
  });
});
