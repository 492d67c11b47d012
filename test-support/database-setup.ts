/**
 * Vitest's global setup: one PostgreSQL for the whole unit run (test-support/database.ts), unless
 * TEST_DATABASE_URL names one. Stopped, and its folder removed, when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startTestCluster } from './database';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL?.trim();
  if (external) {
    project.provide('databaseUrl', external);
    return async () => undefined;
  }
  const cluster = await startTestCluster();
  project.provide('databaseUrl', cluster.url);
  return () => cluster.stop();
}
