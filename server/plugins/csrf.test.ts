import { describe, expect, it } from 'vitest';
import { allowedOrigins, checkCsrf } from './csrf';
import type { CsrfRequest } from './csrf';

const origins = allowedOrigins('https://phone.example.com', false);
const base: CsrfRequest = { method: 'POST', contentType: 'application/json', origin: 'https://phone.example.com', secFetchSite: 'same-origin' };

const table: [string, Partial<CsrfRequest>, boolean, string?][] = [
  ['same-origin JSON', {}, true],
  ['JSON with charset', { contentType: 'application/json; charset=utf-8' }, true],
  ['no browser headers (curl, server-to-server)', { origin: undefined, secFetchSite: undefined }, true],
  ['GET is never blocked', { method: 'GET', contentType: undefined, origin: 'https://evil.example', secFetchSite: 'cross-site' }, true],
  ['DELETE without a body', { method: 'DELETE', contentType: undefined }, true],
  ['form post', { contentType: 'application/x-www-form-urlencoded' }, false, 'json_required'],
  ['multipart', { contentType: 'multipart/form-data; boundary=x' }, false, 'json_required'],
  ['text/plain', { contentType: 'text/plain' }, false, 'json_required'],
  ['JSON look-alike', { contentType: 'application/json-patch+json' }, false, 'json_required'],
  ['no content type', { contentType: undefined }, false, 'json_required'],
  ['other origin', { origin: 'https://evil.example' }, false, 'cross_site'],
  ['same host, other scheme', { origin: 'http://phone.example.com' }, false, 'cross_site'],
  ['null origin', { origin: 'null' }, false, 'cross_site'],
  ['cross-site metadata', { secFetchSite: 'cross-site' }, false, 'cross_site'],
  ['same-site metadata', { secFetchSite: 'same-site' }, false, 'cross_site'],
  ['cross-site DELETE', { method: 'DELETE', contentType: undefined, origin: 'https://evil.example' }, false, 'cross_site'],
];

describe('checkCsrf', () => {
  it.each(table)('%s', (_name, change, ok, code) => {
    const verdict = checkCsrf({ ...base, ...change }, origins);
    expect(verdict.ok).toBe(ok);
    if (!ok) expect(verdict.code).toBe(code);
  });

  it('local mode also accepts the loopback names of the same port', () => {
    expect(allowedOrigins('https://localhost:3000', true)).toEqual([
      'https://localhost:3000',
      'https://127.0.0.1:3000',
      'https://[::1]:3000',
    ]);
  });
});
