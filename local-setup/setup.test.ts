import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalSetup, localTwilioAccount } from './setup';

const fresh = () => mkdtempSync(join(tmpdir(), 'softphone-local-'));

describe('local mode setup', () => {
  it('generates credentials and a certificate once, then keeps them', async () => {
    const dir = fresh();
    const first = await loadLocalSetup(dir);
    expect(first.created.sort()).toEqual(['credentials', 'tls']);
    const c = first.credentials;
    expect(c.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(c.apiKeySid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(c.twimlAppSid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(c.authToken).toMatch(/^[0-9a-f]{32}$/);
    expect(c.apiKeySecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(c.teamNumber).toBe('+12025550100');
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'credentials.json')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'tls', 'key.pem')).mode & 0o077).toBe(0);

    const second = await loadLocalSetup(dir);
    expect(second.created).toEqual([]);
    expect(second.credentials).toEqual(first.credentials);
    expect(second.tls).toEqual(first.tls);
  });

  it('makes a certificate for localhost and 127.0.0.1 that TLS clients can pin', async () => {
    const { tls } = await loadLocalSetup(fresh());
    const cert = new X509Certificate(tls.cert);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);

    // The emulator fetches webhooks trusting exactly this PEM; prove that works.
    const server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, servername: 'localhost', ca: tls.cert, path: '/' }, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve(data));
      }).on('error', reject).end();
    });
    expect(body).toBe('ok');
    server.close();
  });

  it('refuses a damaged credentials file with a sentence naming it', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'credentials.json'), '{"accountSid":"nope"}');
    await expect(loadLocalSetup(dir)).rejects.toThrow(/credentials\.json: field "accountSid" is missing or malformed; delete the file/);
  });

  it('describes the account to the emulator', async () => {
    const dir = fresh();
    const setup = await loadLocalSetup(dir);
    const options = localTwilioAccount(setup.credentials, setup.tls, 'https://localhost:3205');
    expect(options.account).toEqual({
      accountSid: setup.credentials.accountSid,
      authToken: setup.credentials.authToken,
      apiKeys: [{ sid: setup.credentials.apiKeySid, secret: setup.credentials.apiKeySecret }],
    });
    expect(options.applications).toEqual([
      { sid: setup.credentials.twimlAppSid, voiceUrl: 'https://localhost:3205/handle_calls', voiceMethod: 'POST', statusCallback: 'https://localhost:3205/handle_calls/status' },
    ]);
    expect(options.numbers).toEqual([{ phoneNumber: '+12025550100', voiceApplicationSid: setup.credentials.twimlAppSid, smsUrl: 'https://localhost:3205/handle_sms' }]);
    expect(options.publicOrigin).toBe('https://localhost:3205');
    expect(options.webhookCa).toBe(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
  });
});
