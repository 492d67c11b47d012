/**
 * The browser suite's one server, shared by every spec: the app in local mode (app and emulator on one
 * HTTPS origin) on E2E_PORT, with its credentials kept in .local/e2e (specs read them there). Started the
 * way every test server is (test-support/local-server.ts); stopped when the run ends.
 */
import { E2E_DATA_DIR, E2E_PORT, startLocalServer } from '../test-support/local-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startLocalServer(E2E_PORT, {
    dataDir: E2E_DATA_DIR,
    // Every test signs in afresh from 127.0.0.1, like a whole office behind one address.
    // VOICEMAIL_STORE=database runs the suite with voicemail audio copied into the database.
    // Transfers nobody takes come back after 10 s, not 25 (web-hold-transfer); a manual Accept takes ~1 s.
    settings: { SIGN_IN_RATE_LIMIT: '1000', TRANSFER_RING_SECONDS: '10', ...(process.env.VOICEMAIL_STORE ? { VOICEMAIL_STORE: process.env.VOICEMAIL_STORE } : {}) },
    echo: true,
  });
  return () => server.close();
}
