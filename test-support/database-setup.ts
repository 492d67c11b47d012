/**
 * Vitest's global setup: one PostgreSQL for the whole unit run (test-support/database.ts), unless
 * TEST_DATABASE_URL names one, and on it the migrated template test databases are copied from. Both go
 * when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { createTemplate, startTestCluster } from './database';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL?.trim();
  const cluster = external ? undefined : await startTestCluster();
  const url = external ?? cluster!.url;
  const template = await createTemplate(url);
  project.provide('databaseUrl', url);
  project.provide('databaseTemplate', template.name);
  return async () => {
    await template.drop();
    await cluster?.stop();
  };
}
