import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalSetup } from '../local-setup/setup';
import { parseConfig } from './config';
import type { LocalModeConfig } from './config';
import { resolveLocalConfig } from './local-mode';

describe('local mode config', () => {
  it('completes the config with the kept credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'softphone-local-'));
    const setup = await loadLocalSetup(dir);
    const parsed = parseConfig({ PORT: '3205', LOCAL_DATA_DIR: dir }) as LocalModeConfig;
    const config = resolveLocalConfig(parsed, setup.credentials);
    expect(config.publicBaseUrl).toBe('https://localhost:3205');
    expect(config.sessionSecret).toBe(setup.credentials.sessionSecret);
    expect(config.account.authToken).toBe(setup.credentials.authToken);
  });
});
