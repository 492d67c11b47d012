import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test-support/chromium';
import { E2E_BASE_URL } from './test-support/local-server';

// One server in local mode (app + emulator on one HTTPS origin), started by e2e/global-setup.ts.
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: E2E_BASE_URL,
    ignoreHTTPSErrors: true,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
