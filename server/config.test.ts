import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, TWILIO_VARIABLES } from './config';
import type { Env } from './config';
import { softphoneUsers, twilioEnv, ACCOUNT_SID } from '../test-support/server-fixtures';

const users = await softphoneUsers();
const twilioWith = (extra: Env) => twilioEnv({ SOFTPHONE_USERS: users, ...extra });

describe('parseConfig: modes', () => {
  it('is local mode with demo users when no Twilio variable is set', () => {
    const config = parseConfig({});
    expect(config.mode).toBe('local');
    expect(config.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    expect(config.demoPassword).toBe('softphone');
    expect(config.port).toBe(3000);
    expect(config.tokenTtlSeconds).toBe(3600);
    expect(config.defaultCountry).toBe('US');
    expect(config.dialAllowedCountries).toEqual(['US']);
    expect(config.ringGroup).toEqual(['alice', 'bob', 'carol']);
    expect(config.localDataDir).toBe('.local');
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ TWILIO_ACCOUNT_SID: '  ', PORT: '' }).mode).toBe('local');
  });

  it('is twilio mode when all six are set', () => {
    const config = parseConfig(twilioWith({ TWILIO_NUMBER: '+442079460123' }));
    expect(config.mode).toBe('twilio');
    expect(config.account?.accountSid).toBe(ACCOUNT_SID);
    expect(config.defaultCountry).toBe('GB');
    expect(config.dialAllowedCountries).toEqual(['GB']);
    expect(config.publicBaseUrl).toBe('https://phone.example.com');
  });

  it('uses DEMO_PASSWORD for the demo users', () => {
    expect(parseConfig({ DEMO_PASSWORD: 'e2e-password' }).demoPassword).toBe('e2e-password');
  });

  it('keeps SESSION_SECRET and PUBLIC_BASE_URL in local mode when given', () => {
    const config = parseConfig({ SESSION_SECRET: 's'.repeat(40), PUBLIC_BASE_URL: 'https://dev.example.com/' });
    expect(config.sessionSecret).toBe('s'.repeat(40));
    expect(config.publicBaseUrl).toBe('https://dev.example.com');
  });

  it('parses lists and numbers', () => {
    const config = parseConfig(
      twilioWith({
        DIAL_ALLOWED_COUNTRIES: 'us, ca,GB,US',
        RING_GROUP: 'bob,alice',
        TOKEN_TTL_SECONDS: '86400',
        RING_TIMEOUT_SECONDS: '30',
        TRANSFER_RING_SECONDS: '15',
        PORT: '8080',
        LOG_LEVEL: 'WARN',
        TRUST_PROXY: '1',
      }),
    );
    expect(config.dialAllowedCountries).toEqual(['US', 'CA', 'GB']);
    expect(config.ringGroup).toEqual(['bob', 'alice']);
    expect(config.tokenTtlSeconds).toBe(86400);
    expect(config.ringTimeoutSeconds).toBe(30);
    expect(config.transferRingSeconds).toBe(15);
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('warn');
    expect(config.trustProxy).toBe(1);
  });
});

// Every row: the environment, the variable the one-line message must start with, and a phrase it must contain.
const errors: [string, Env, string, string][] = [
  ['some Twilio variables missing', { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_NUMBER: '+12025550100' },
    'TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET, TWILIO_AUTH_TOKEN, TWIML_APP_SID:', 'missing'],
  ['one Twilio variable missing', twilioWith({ TWIML_APP_SID: undefined }), 'TWIML_APP_SID:', 'missing'],
  ['account SID shape', twilioWith({ TWILIO_ACCOUNT_SID: 'AC123' }), 'TWILIO_ACCOUNT_SID:', '"AC" followed by 32 hex digits'],
  ['API key given as account SID', twilioWith({ TWILIO_API_KEY_SID: ACCOUNT_SID }), 'TWILIO_API_KEY_SID:', '"SK"'],
  ['upper-case hex in SID', twilioWith({ TWIML_APP_SID: `AP${'D'.repeat(32)}` }), 'TWIML_APP_SID:', '"AP"'],
  ['short API secret', twilioWith({ TWILIO_API_KEY_SECRET: 'short' }), 'TWILIO_API_KEY_SECRET:', 'at least 16'],
  ['auth token shape', twilioWith({ TWILIO_AUTH_TOKEN: 'not-a-token' }), 'TWILIO_AUTH_TOKEN:', '32 hex digits'],
  ['number not E.164', twilioWith({ TWILIO_NUMBER: '202-555-0100' }), 'TWILIO_NUMBER:', 'E.164'],
  ['number not valid', twilioWith({ TWILIO_NUMBER: '+1202555' }), 'TWILIO_NUMBER:', 'E.164'],
  ['public URL missing', twilioWith({ PUBLIC_BASE_URL: undefined }), 'PUBLIC_BASE_URL:', 'required in twilio mode'],
  ['public URL malformed', twilioWith({ PUBLIC_BASE_URL: 'phone.example.com' }), 'PUBLIC_BASE_URL:', 'absolute URL'],
  ['public URL scheme', twilioWith({ PUBLIC_BASE_URL: 'ftp://phone.example.com' }), 'PUBLIC_BASE_URL:', 'http:// or https://'],
  ['public URL with query', twilioWith({ PUBLIC_BASE_URL: 'https://phone.example.com/?a=1' }), 'PUBLIC_BASE_URL:', 'without query'],
  ['session secret missing in twilio mode', twilioWith({ SESSION_SECRET: undefined }), 'SESSION_SECRET:', 'replica'],
  ['session secret short', { SESSION_SECRET: 'short' }, 'SESSION_SECRET:', 'at least 32'],
  ['users missing in twilio mode', twilioEnv(), 'SOFTPHONE_USERS:', 'required in twilio mode'],
  ['user without hash', { SOFTPHONE_USERS: 'alice' }, 'SOFTPHONE_USERS:', 'hash for "alice"'],
  ['user with bad hash', { SOFTPHONE_USERS: 'alice:secret' }, 'SOFTPHONE_USERS:', 'hash-password'],
  ['bad user name', { SOFTPHONE_USERS: `Alice Smith:${users.split(',')[0]!.split(':')[1]}` }, 'SOFTPHONE_USERS:', 'not a valid name'],
  ['user listed twice', { SOFTPHONE_USERS: `${users.split(',')[0]},${users.split(',')[0]}` }, 'SOFTPHONE_USERS:', 'twice'],
  ['demo password with real users', { SOFTPHONE_USERS: users, DEMO_PASSWORD: 'x1234' }, 'DEMO_PASSWORD:', 'only used'],
  ['demo password too short', { DEMO_PASSWORD: 'abc' }, 'DEMO_PASSWORD:', 'at least 4'],
  ['unknown country', { DIAL_ALLOWED_COUNTRIES: 'US,XX' }, 'DIAL_ALLOWED_COUNTRIES:', '"XX"'],
  ['country name instead of code', { DIAL_ALLOWED_COUNTRIES: 'USA' }, 'DIAL_ALLOWED_COUNTRIES:', 'ISO 3166-1'],
  ['ring group names unknown user', { RING_GROUP: 'alice,dave' }, 'RING_GROUP:', '"dave" is not a user'],
  ['port not a number', { PORT: 'http' }, 'PORT:', 'whole number'],
  ['port out of range', { PORT: '70000' }, 'PORT:', '1 to 65535'],
  ['token TTL above a day', { TOKEN_TTL_SECONDS: '86401' }, 'TOKEN_TTL_SECONDS:', '60 to 86400'],
  ['token TTL negative', { TOKEN_TTL_SECONDS: '-5' }, 'TOKEN_TTL_SECONDS:', 'whole number'],
  ['sign-in rate limit zero', { SIGN_IN_RATE_LIMIT: '0' }, 'SIGN_IN_RATE_LIMIT:', '1 to 10000'],
  ['sign-in rate limit not a number', { SIGN_IN_RATE_LIMIT: 'lots' }, 'SIGN_IN_RATE_LIMIT:', 'whole number'],
  ['ring timeout too short', { RING_TIMEOUT_SECONDS: '1' }, 'RING_TIMEOUT_SECONDS:', '5 to 600'],
  ['transfer ring time not a number', { TRANSFER_RING_SECONDS: 'long' }, 'TRANSFER_RING_SECONDS:', 'whole number'],
  ['transfer ring time too long', { TRANSFER_RING_SECONDS: '601' }, 'TRANSFER_RING_SECONDS:', '5 to 600'],
  ['log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL:', 'one of fatal'],
  ['trust proxy', { TRUST_PROXY: 'yes please' }, 'TRUST_PROXY:', 'true, false'],
  ['emulator origin in twilio mode', twilioWith({ EMULATOR_ORIGIN: 'https://localhost:3301' }), 'EMULATOR_ORIGIN:', 'only used in local mode'],
  ['emulator origin not a URL', { EMULATOR_ORIGIN: 'localhost:3301' }, 'EMULATOR_ORIGIN:', 'https:// origin'],
  ['emulator origin over http', { EMULATOR_ORIGIN: 'http://localhost:3301' }, 'EMULATOR_ORIGIN:', 'wss://'],
  ['emulator origin with a path', { EMULATOR_ORIGIN: 'https://localhost:3301/signal' }, 'EMULATOR_ORIGIN:', 'without path'],
  ['database URL not a URL', { DATABASE_URL: 'db example com' }, 'DATABASE_URL:', 'not a URL'],
  ['database URL without a scheme', { DATABASE_URL: 'db.example.com:5432' }, 'DATABASE_URL:', 'starts with'],
  ['database URL of another kind', { DATABASE_URL: 'mysql://db.example.com/softphone' }, 'DATABASE_URL:', '"mysql://"'],
  ['database URL without a host', { DATABASE_URL: 'postgres:///softphone' }, 'DATABASE_URL:', 'no host'],
  ['history retention zero', { HISTORY_RETENTION_DAYS: '0' }, 'HISTORY_RETENTION_DAYS:', '1 to 36500'],
  ['history retention not a number', { HISTORY_RETENTION_DAYS: 'a year' }, 'HISTORY_RETENTION_DAYS:', 'whole number'],
  ['message retention zero', { MESSAGE_RETENTION_DAYS: '0' }, 'MESSAGE_RETENTION_DAYS:', '1 to 36500'],
];

describe('parseConfig: the database', () => {
  it('uses the embedded database by default and keeps a year of history', () => {
    const config = parseConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.historyRetentionDays).toBe(365);
  });

  it.each([
    'postgres://softphone:s3cret@db.example.com:5432/softphone',
    'postgresql://db.internal/softphone?sslmode=require',
    'postgres://softphone@localhost/softphone?host=/var/run/postgresql',
    'postgres:///softphone?host=/var/run/postgresql',
  ])('takes %s', (url) => {
    expect(parseConfig({ DATABASE_URL: url, HISTORY_RETENTION_DAYS: '30' })).toMatchObject({ databaseUrl: url, historyRetentionDays: 30 });
  });

  it('never echoes the database password', () => {
    for (const url of ['postgres://u:hunter2-secret@db.example.com:99999/x', 'mysql://u:hunter2-secret@db/x']) {
      expect(() => parseConfig({ DATABASE_URL: url })).toThrow(/^DATABASE_URL: /);
      try {
        parseConfig({ DATABASE_URL: url });
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });
});

describe('parseConfig: EMULATOR_ORIGIN (a stand-in running on its own)', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['https://localhost:3301', 'https://localhost:3301'],
    ['https://localhost:3301/', 'https://localhost:3301'],
    ['https://127.0.0.1:3301', 'https://127.0.0.1:3301'],
    ['https://LOCALHOST:443', 'https://localhost'],
  ];
  it.each(cases)('%j → %j', (raw, expected) => {
    expect(parseConfig({ EMULATOR_ORIGIN: raw }).emulatorOrigin).toBe(expected);
  });
});

describe('parseConfig: errors name the variable in one line', () => {
  it.each(errors)('%s', (_name, env, prefix, phrase) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(prefix)).toBe(true);
    expect(message).toContain(phrase);
    expect(message).not.toContain('\n');
  });

  it('does not echo secrets', () => {
    expect(() => parseConfig(twilioWith({ TWILIO_AUTH_TOKEN: 'my-real-secret-token' }))).toThrow(/^TWILIO_AUTH_TOKEN: [^]*$/);
    try {
      parseConfig(twilioWith({ TWILIO_AUTH_TOKEN: 'my-real-secret-token' }));
    } catch (err) {
      expect((err as Error).message).not.toContain('my-real-secret-token');
    }
  });

  it('requires RING_GROUP when there are more than ten users', async () => {
    const hash = users.split(',')[0]!.split(':')[1];
    const many = Array.from({ length: 11 }, (_, i) => `user${i}:${hash}`).join(',');
    expect(() => parseConfig({ SOFTPHONE_USERS: many })).toThrow(/^RING_GROUP: required when there are more than 10 users/);
    expect(parseConfig({ SOFTPHONE_USERS: many, RING_GROUP: 'user1,user2' }).ringGroup).toEqual(['user1', 'user2']);
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const source = ['./config.ts', './config-voicemail.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');

  it('documents every variable the server reads, each with a comment', () => {
    const read = new Set([...source.matchAll(/value\('([A-Z_]+)'\)/g)].map((m) => m[1]!));
    for (const name of TWILIO_VARIABLES) read.add(name);
    expect(read.size).toBeGreaterThan(15);
    for (const name of read) {
      const line = new RegExp(`(^|\\n)#[^\\n]*\\n${name}=`);
      expect(text, name).toMatch(line);
    }
  });

  it('starts in local mode when copied unchanged to .env', () => {
    expect(parseConfig(parseDotenv(text)).mode).toBe('local');
  });
});

describe('parseConfig: emergency calling and the test endpoint override', () => {
  it('EMERGENCY_CALLING is off unless it says on', () => {
    expect(parseConfig({}).emergencyCalling).toBe(false);
    expect(parseConfig({ EMERGENCY_CALLING: 'ON' }).emergencyCalling).toBe(true);
    expect(parseConfig({ EMERGENCY_CALLING: 'off' }).emergencyCalling).toBe(false);
    expect(() => parseConfig({ EMERGENCY_CALLING: 'yes' })).toThrow('EMERGENCY_CALLING: on or off (default off), got "yes"');
  });

  it.each([
    ['https://localhost:3301', 'https://localhost:3301'],
    ['https://127.0.0.1:3301/', 'https://127.0.0.1:3301'],
    ['https://127.1.2.3', 'https://127.1.2.3'],
    ['https://[::1]:3301', 'https://[::1]:3301'],
  ])('TWILIO_TEST_ENDPOINT accepts the loopback origin %s', (raw, origin) => {
    expect(parseConfig(twilioWith({ TWILIO_TEST_ENDPOINT: raw })).twilioTestEndpoint).toBe(origin);
  });

  it.each([
    ['https://api.example.com', /refused: api\.example\.com is not a loopback address/],
    ['https://10.0.0.1:3301', /refused: 10\.0\.0\.1 is not a loopback address/],
    ['https://localhost.example.com', /refused/],
    ['http://localhost:3301', /the https:\/\/ origin of a local Twilio stand-in/],
    ['https://localhost:3301/api', /the https:\/\/ origin/],
    ['nonsense', /the https:\/\/ origin/],
  ])('TWILIO_TEST_ENDPOINT refuses %s', (raw, message) => {
    expect(() => parseConfig(twilioWith({ TWILIO_TEST_ENDPOINT: raw }))).toThrow(message);
  });

  it('TWILIO_TEST_ENDPOINT is refused in local mode and absent by default', () => {
    expect(() => parseConfig({ TWILIO_TEST_ENDPOINT: 'https://localhost:3301' })).toThrow(/TWILIO_TEST_ENDPOINT: only used in twilio mode/);
    expect(parseConfig(twilioWith({})).twilioTestEndpoint).toBeUndefined();
  });

  it('.env.example leaves the override out of its production sections', () => {
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const testing = text.indexOf('# --- Testing only');
    expect(testing).toBeGreaterThan(0);
    expect(text.slice(0, testing)).not.toContain('TWILIO_TEST_ENDPOINT');
    expect(parseDotenv(text).TWILIO_TEST_ENDPOINT ?? '').toBe('');
  });
});
