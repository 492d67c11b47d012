/**
 * The URLs the configuration takes (the public address, the emulator's origin, the database, the
 * test-only Twilio endpoint): each parsed to what its user needs, or a ConfigError saying what is expected.
 */
import { ConfigError, printable } from './config-error';

export function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_BASE_URL', `an absolute URL such as https://phone.example.com, got "${printable(raw)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('PUBLIC_BASE_URL', `an http:// or https:// URL, got "${printable(raw)}"`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('PUBLIC_BASE_URL', 'a URL without query, fragment or credentials, such as https://phone.example.com');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The Voice SDK only connects to wss://host:port, so the stand-in's origin is https with a host and nothing else. */
export function parseEmulatorOrigin(raw: string): string {
  const expected = 'the https:// origin of `npm run emulator`, such as https://localhost:3301';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('EMULATOR_ORIGIN', `${expected}, got "${printable(raw)}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError('EMULATOR_ORIGIN', `${expected} (the Voice SDK only speaks wss://), got "${printable(raw)}"`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('EMULATOR_ORIGIN', `${expected}: an origin without path, query or credentials, got "${printable(raw)}"`);
  }
  return url.origin;
}

/** What the `pg` driver takes: postgres:// or postgresql://, with a host (a socket folder may come as ?host=/path). */
export function parseDatabaseUrl(raw: string): string {
  const wrong = (why: string) =>
    new ConfigError('DATABASE_URL', `a PostgreSQL connection URL such as postgres://user:password@db.example.com:5432/softphone (unset it to use the embedded database); ${why}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw wrong('the value is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw wrong(`it starts with "${printable(url.protocol)}//"`);
  if (url.hostname === '' && !url.searchParams.has('host')) throw wrong('it names no host');
  return raw;
}

/** Loopback only: the account's credentials go wherever this points. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function parseTestEndpoint(raw: string): string {
  const expected = 'for tests only: the https:// origin of a local Twilio stand-in on a loopback address, such as https://localhost:3301';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('TWILIO_TEST_ENDPOINT', `${expected}, got "${printable(raw)}"`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new ConfigError('TWILIO_TEST_ENDPOINT', `refused: ${url.hostname} is not a loopback address, and the account's credentials would be sent there (${expected})`);
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('TWILIO_TEST_ENDPOINT', `${expected}, got "${printable(raw)}"`);
  }
  return url.origin;
}
