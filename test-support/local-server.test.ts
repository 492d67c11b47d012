import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig, TWILIO_VARIABLES } from '../server/config';
import { twilioEnv } from './server-fixtures';
import { localServerEnv } from './local-server';

afterEach(() => vi.unstubAllEnvs());

describe('the environment of the servers tests start', () => {
  it('is local mode with the demo users even in a shell set up for twilio mode', () => {
    for (const [name, value] of Object.entries(twilioEnv({ SOFTPHONE_USERS: 'dave:x', RING_GROUP: 'dave', TOKEN_TTL_SECONDS: '600' }))) vi.stubEnv(name, value!);
    const env = localServerEnv({ PORT: '3260', DEMO_PASSWORD: 'test-password' });
    for (const name of TWILIO_VARIABLES) expect(env[name], name).toBe('');
    const config = parseConfig(env);
    expect(config.mode).toBe('local');
    expect(config.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    expect(config.demoPassword).toBe('test-password');
    expect(config.publicBaseUrl).toBeUndefined();
    expect(config.tokenTtlSeconds).toBe(3600);
    expect(config.port).toBe(3260);
  });

  it('keeps what is not a server setting', () => {
    vi.stubEnv('CHROMIUM_PATH', '/opt/chromium');
    expect(localServerEnv({}).CHROMIUM_PATH).toBe('/opt/chromium');
    expect(localServerEnv({}).PATH).toBe(process.env.PATH);
  });
});
