/**
 * `npm run bench:load` (not part of `npm test`, which runs the bench's short smoke, bench/main.test.ts):
 * the token route (signed in) and the signed voice webhook of a real server listening on loopback, driven
 * by autocannon for a few seconds each. Asserts no errors and no non-2xx answers at that sustained rate;
 * prints throughput and latency (never asserted: machines differ).
 * Longer runs: `LOAD_TEST_SECONDS=30 npm run bench:load`, `npx tsx bench/load.ts 30` or `npm run bench`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLoad, measure, spawnTarget } from './load';
import type { RemoteTarget } from './load';

const SECONDS = Number(process.env.LOAD_TEST_SECONDS ?? 3);

let target: RemoteTarget;
beforeAll(async () => {
  target = await spawnTarget('softphone', 'info');
}, 60_000);
afterAll(() => target?.close());

describe('load on loopback', () => {
  it.each([['token'], ['webhook']] as const)(
    '%s route: zero errors and zero non-2xx under sustained load',
    async (route) => {
      const result = await measure(target, route, { durationSeconds: SECONDS, connections: 10 });
      console.log(`load: ${describeLoad(result)}`);
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
    },
    60_000,
  );
});
