import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { precompress } from './web/scripts/precompress.ts';
import { pwa } from './web/scripts/pwa.ts';

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
    include: ['{server,emulator,local-setup,contracts,test-support,bench}/**/*.test.ts', 'web/**/*.test.{ts,tsx}'],
    // The long autocannon run is a benchmark (`npm run bench:load`); bench/main.test.ts keeps a short smoke of it.
    exclude: [...configDefaults.exclude, 'bench/load.test.ts'],
    environment: 'node',
    testTimeout: 20000,
    // One PostgreSQL for the run (or TEST_DATABASE_URL): the storage tests need a real one.
    globalSetup: ['test-support/database-setup.ts'],
  },
});
