/**
 * The resilience suites' `test` (e2e/resilience-*.spec.ts): a `survived(line)` fixture prints one line per
 * fault scenario it tried and survived, and the worker prints the total when the run ends, across every
 * resilience file it ran.
 */
import { test as base, expect } from '@playwright/test';

interface Scoreboard {
  survived: string[];
}

export const test = base.extend<{ survived: (line: string) => void }, { scoreboard: Scoreboard }>({
  scoreboard: [
    async ({}, use) => {
      const board: Scoreboard = { survived: [] };
      await use(board);
      if (board.survived.length > 0) console.log(`${board.survived.length} fault scenarios survived`);
    },
    { scope: 'worker' },
  ],
  survived: async ({ scoreboard }, use) => {
    await use((line: string) => {
      scoreboard.survived.push(line);
      console.log(`survived: ${line}`);
    });
  },
});
export { expect };
