import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, E2E_PORT, E2E_BASE_URL } from './e2e/support/browser';

// One server in local mode (app + emulator on one HTTPS origin) with fresh credentials per run.
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  use: {
    baseURL: E2E_BASE_URL,
    ignoreHTTPSErrors: true,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'tsx server/main.ts',
    url: `${E2E_BASE_URL}/healthz`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      LOCAL_DATA_DIR: '.local/e2e',
      DEMO_PASSWORD: 'e2e-password',
      LOG_LEVEL: 'warn',
      // Every test signs in afresh from 127.0.0.1, like a whole office behind one address.
      SIGN_IN_RATE_LIMIT: '1000',
    },
  },
});
