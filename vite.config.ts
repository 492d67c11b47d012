import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { precompress } from './web/scripts/precompress';

// The web app lives in web/; the server serves the build from dist/web.
export default defineConfig({
  root: 'web',
  plugins: [react(), precompress()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
  },
  server: {
    // `npm run dev:web` proxies API and signaling to the running server.
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
  },
});
