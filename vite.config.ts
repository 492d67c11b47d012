import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { precompress } from './web/scripts/precompress.ts';
import { pwa } from './web/scripts/pwa.ts';

const UNIT_FILES = ['{server,emulator,local-setup,contracts,test-support,bench}/**/*.test.ts', 'web/**/*.test.{ts,tsx}'];
/** The `media` project's files: run alone, one at a time, after the rest (see `projects` below). */
const ALONE_FILES = [
  '**/*.media.test.ts',
  '**/*.browser.test.ts',
  'emulator/media/leg.test.ts',
  'emulator/conferences/conference.test.ts',
  'emulator/rest/{recordings,conferences}.test.ts',
  'bench/main.test.ts',
];

// The web app lives in web/; the server serves the build from dist/web.
export default defineConfig({
  root: 'web',
  plugins: [react(), pwa(), precompress()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
  },
  server: {
    // Only for Vite's own dev server (`npx vite`; no npm script starts it): the server normally serves
    // the built app from dist/web. It forwards the API and the ringtones to a server on port 3000. The
    // Voice SDK needs no proxy: it connects where /api/config tells it to. Signing in through the dev
    // server fails, because the server's CSRF check refuses the dev server's origin.
    proxy: {
      '/api': { target: 'https://localhost:3000', secure: false },
      '/sounds': { target: 'https://localhost:3000', secure: false },
    },
  },
  test: {
    root: '.',
    environment: 'node',
    testTimeout: 20000,
    // Two groups, one after the other. Most files run on several workers at once: they mostly wait for
    // PostgreSQL, child processes and sockets, and one worker left a core idle. The files that keep a
    // real-time media clock (20 ms RTP packets, tones measured by frequency, a real Chromium peer) or
    // load the machine on purpose (the bench smoke) then run one at a time, alone, as the browser suite
    // does: side by side they would starve each other's clocks.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT_FILES,
          // The long autocannon run is a benchmark (`npm run bench:load`); bench/main.test.ts keeps a short smoke of it.
          exclude: [...configDefaults.exclude, ...ALONE_FILES, 'bench/load.test.ts'],
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
          // One PostgreSQL for the run (or TEST_DATABASE_URL): the storage tests need a real one.
          globalSetup: ['test-support/database-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'media',
          include: ALONE_FILES,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
