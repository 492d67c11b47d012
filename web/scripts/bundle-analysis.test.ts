import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle, ownerOf, staticFirstLoad } from './bundle-analysis';

describe('ownerOf', () => {
  const react = new Set(['react', 'react-dom', 'scheduler']);
  const sdk = new Set(['@twilio/voice-sdk', 'events', 'loglevel']);
  it.each([
    ['web/src/core/controller.ts', 'own'],
    ['web/src/ui/App.tsx', 'own'],
    ['node_modules/react-dom/cjs/react-dom-client.production.js', 'react'],
    ['node_modules/scheduler/index.js', 'react'],
    ['node_modules/@twilio/voice-sdk/es5/twilio/device.js', 'voice-sdk'],
    ['node_modules/events/events.js', 'voice-sdk'],
    ['node_modules/libphonenumber-js/min/index.js', 'other'],
    ['node_modules/@twilio/voice-sdk/node_modules/events/events.js', 'voice-sdk'],
    ['vite/preload-helper.js', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (source, owner) => {
    expect(ownerOf(source, react, sdk)).toBe(owner);
  });
});

describe('staticFirstLoad and analyzeBundle', () => {
  it('follows index.html and static imports, not dynamic ones, and sizes JS and CSS apart', () => {
    const dist = mkdtempSync(join(tmpdir(), 'bundle-analysis-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<script type="module" crossorigin src="/assets/index.js"></script><link rel="stylesheet" crossorigin href="/assets/index.css">',
    );
    writeFileSync(join(dist, 'assets/index.js'), 'import{a}from"./shared.js";const lazy=()=>import("./lazy.js");a(lazy);');
    writeFileSync(join(dist, 'assets/shared.js'), 'export const a=(f)=>f;');
    writeFileSync(join(dist, 'assets/lazy.js'), 'export default 1;');
    writeFileSync(join(dist, 'assets/index.css'), 'body{margin:0}');
    const files = staticFirstLoad(dist);
    expect(files.sort()).toEqual(['assets/index.css', 'assets/index.js', 'assets/shared.js']);
    const report = analyzeBundle(dist, files, dist);
    expect(report.css.raw).toBe('body{margin:0}'.length);
    expect(report.js.raw).toBe(report.files.filter((f) => f.file.endsWith('.js')).reduce((n, f) => n + f.raw, 0));
    // No source maps: nothing can be attributed to an owner but "other".
    expect(report.byOwner.own.raw).toBe(0);
    expect(report.byOwner.other.raw).toBe(report.js.raw);
  });
});
