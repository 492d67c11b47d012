/**
 * Local set-up, shared by the app server's local mode and `npm run emulator`: credentials for the built-in
 * Twilio stand-in and a self-signed TLS certificate, generated at first start and kept in LOCAL_DATA_DIR so
 * that a restart (and the stand-alone emulator) uses the same ones. The Voice SDK only speaks wss://, which
 * is why local mode needs TLS at all. Depends on nothing else in this repository, so both sides can use it.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import selfsigned from 'selfsigned';
import { LOCAL_TEAM_NUMBER } from './demo';

export interface LocalCredentials {
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
  teamNumber: string;
  sessionSecret: string;
}

export interface LocalTls {
  key: string;
  cert: string;
}

export interface LocalSetup {
  credentials: LocalCredentials;
  tls: LocalTls;
  /** Absolute or relative path of the folder that holds them. */
  dataDir: string;
  /** What was created on this start (empty on a restart). */
  created: ('credentials' | 'tls')[];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function generateLocalCredentials(): LocalCredentials {
  return {
    accountSid: `AC${hex(16)}`,
    authToken: hex(16),
    apiKeySid: `SK${hex(16)}`,
    apiKeySecret: randomBytes(24).toString('base64url').replace(/[-_]/g, '0').slice(0, 32),
    twimlAppSid: `AP${hex(16)}`,
    teamNumber: LOCAL_TEAM_NUMBER,
    sessionSecret: randomBytes(48).toString('base64url'),
  };
}

const CREDENTIAL_SHAPES: Record<keyof LocalCredentials, RegExp> = {
  accountSid: /^AC[0-9a-f]{32}$/,
  authToken: /^[0-9a-f]{32}$/,
  apiKeySid: /^SK[0-9a-f]{32}$/,
  apiKeySecret: /^[A-Za-z0-9]{16,}$/,
  twimlAppSid: /^AP[0-9a-f]{32}$/,
  teamNumber: /^\+[1-9]\d{6,14}$/,
  sessionSecret: /^.{32,}$/,
};

function checkCredentials(value: unknown, file: string): LocalCredentials {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const [field, shape] of Object.entries(CREDENTIAL_SHAPES)) {
    const v = record[field];
    if (typeof v !== 'string' || !shape.test(v)) {
      throw new Error(`${file}: field "${field}" is missing or malformed; delete the file to generate new local credentials`);
    }
  }
  return record as unknown as LocalCredentials;
}

/** Writes a new file only if none exists yet, so two processes starting together agree on one version. */
async function writeOnce(path: string, content: string): Promise<boolean> {
  try {
    await writeFile(path, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function loadCredentials(dataDir: string): Promise<{ credentials: LocalCredentials; created: boolean }> {
  const file = join(dataDir, 'credentials.json');
  let created = false;
  let text = await readIfExists(file);
  if (text === undefined) {
    created = await writeOnce(file, `${JSON.stringify(generateLocalCredentials(), null, 2)}\n`);
    text = await readFile(file, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not valid JSON; delete the file to generate new local credentials`);
  }
  return { credentials: checkCredentials(parsed, file), created };
}

const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

export async function generateLocalTls(): Promise<LocalTls> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function usable(tls: LocalTls): boolean {
  try {
    const cert = new X509Certificate(tls.cert);
    return Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

async function loadTls(dataDir: string): Promise<{ tls: LocalTls; created: boolean }> {
  const dir = join(dataDir, 'tls');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const [key, cert] = await Promise.all([readIfExists(keyFile), readIfExists(certFile)]);
  if (key !== undefined && cert !== undefined && usable({ key, cert })) {
    return { tls: { key, cert }, created: false };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tls = await generateLocalTls();
  // Replace both files atomically enough for a single developer machine: write aside, then rename.
  const suffix = `.${process.pid}.tmp`;
  await writeFile(keyFile + suffix, tls.key, { mode: 0o600 });
  await writeFile(certFile + suffix, tls.cert, { mode: 0o644 });
  await rename(keyFile + suffix, keyFile);
  await rename(certFile + suffix, certFile);
  return { tls, created: true };
}

/** Loads (or creates on first start) everything local mode keeps on disk. */
export async function loadLocalSetup(dataDir: string): Promise<LocalSetup> {
  // Only the folder itself is private: folders made above it stay passable, as the embedded database's
  // own user (when running as root) must pass through them.
  await mkdir(dirname(resolve(dataDir)), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const [creds, tls] = await Promise.all([loadCredentials(dataDir), loadTls(dataDir)]);
  const created: LocalSetup['created'] = [];
  if (creds.created) created.push('credentials');
  if (tls.created) created.push('tls');
  return { credentials: creds.credentials, tls: tls.tls, dataDir, created };
}

/**
 * What the local Twilio stand-in knows about "the account", as Twilio would from its console: the account
 * and its API key, one TwiML App whose voice URL is the app's webhook and whose status callback is the app's
 * status route (so the parent leg of every call, a phone calling the team number included, reports its
 * end: the call history needs it), and the team number, whose texts go to the app's messaging webhook. The
 * emulator's options (emulator/types.ts) take this shape as it is; local-setup does not import the
 * emulator, so the two hosts (server/main.ts and emulator/main.ts) are where the compiler checks that it fits.
 */
export function localTwilioAccount(
  credentials: LocalCredentials,
  tls: LocalTls,
  publicOrigin: string,
  voiceUrl = `${publicOrigin}/handle_calls`,
  smsUrl = `${publicOrigin}/handle_sms`,
) {
  return {
    account: {
      accountSid: credentials.accountSid,
      authToken: credentials.authToken,
      apiKeys: [{ sid: credentials.apiKeySid, secret: credentials.apiKeySecret }],
    },
    applications: [{ sid: credentials.twimlAppSid, voiceUrl, voiceMethod: 'POST' as const, statusCallback: `${voiceUrl}/status` }],
    numbers: [{ phoneNumber: credentials.teamNumber, voiceApplicationSid: credentials.twimlAppSid, smsUrl }],
    publicOrigin,
    webhookCa: tls.cert,
  };
}
