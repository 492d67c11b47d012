import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run bench:load`: the bench's long assertions, kept out of `npm test` (see bench/load.test.ts).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/load.test.ts'],
    environment: 'node',
  },
});
