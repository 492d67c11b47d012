/**
 * The webhook contracts (contracts/api/webhooks.ts) where they decide something: parameters Twilio may add
 * pass, a webhook a caller hears answers TwiML whatever arrives, a status callback without a CallSid is
 * refused, and the signature is checked on the form as it was sent.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfterDialWebhook, StatusCallback, VoiceWebhook } from '../../contracts/api/webhooks';
import { testApp } from '../../test-support/app-requests';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, sign, twilioConfig } from '../../test-support/server-fixtures';

const log: string[] = [];
let app: FastifyInstance;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  ({ app } = await testApp(await twilioConfig(), { webRoot: '/nonexistent', logger: { level: 'warn', stream } }));
  await app.ready();
});
afterAll(() => app.close());

type Pairs = [string, string][];

/** Posts a form signed the way Twilio signs it: over the parameters as sent (repeated keys as lists). */
function post(url: string, pairs: Pairs, signedAs: Record<string, string | string[]> = asSigned(pairs)) {
  return app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, signedAs as Record<string, string>),
    },
    payload: new URLSearchParams(pairs).toString(),
  });
}

function asSigned(pairs: Pairs): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of pairs) {
    const prior = out[k];
    out[k] = prior === undefined ? v : [...[prior].flat(), v];
  }
  return out;
}

const CALL: Pairs = [
  ['CallSid', `CA${'1'.repeat(32)}`], ['AccountSid', ACCOUNT_SID], ['From', 'client:alice'], ['To', '+12025550123'],
  ['CallStatus', 'ringing'], ['ApiVersion', '2010-04-01'], ['Direction', 'inbound'],
];
const INBOUND: Pairs = CALL.map(([k, v]) => [k, k === 'From' ? '+12025550199' : k === 'To' ? TEAM_NUMBER : v]);

/** Parameters Twilio sends today that the app does not read, and ones it may add tomorrow. */
const UNKNOWN: Pairs = [
  ['CallToken', '%7B%22parentCallInfoToken%22%3A%22eyJ%22%7D'], ['StirVerstat', 'TN-Validation-Passed-A'], ['FromCountry', 'US'],
  ['CallerName', 'ALICE EXAMPLE'], ['SipHeader_X-Custom', 'a=1;b=2'], ['AddOns', '{"status":"successful"}'],
  ['SomethingTwilioAddsNextYear', ''], ['constructor', 'x'], ['toString', 'y'],
];

const WEBHOOKS: [string, string, Pairs, number, TSchema][] = [
  ['voice webhook (browser caller)', '/handle_calls', CALL, 200, VoiceWebhook],
  ['voice webhook (outside caller)', '/handle_calls', INBOUND, 200, VoiceWebhook],
  ['<Dial> action, number leg', '/handle_calls/after-dial?leg=number', [...CALL, ['DialCallStatus', 'busy']], 200, AfterDialWebhook],
  ['<Dial> action, inbound leg', '/handle_calls/after-dial?leg=inbound', [...INBOUND, ['DialCallStatus', 'no-answer'], ['DialCallSid', `CA${'2'.repeat(32)}`]], 200, AfterDialWebhook],
  ['status callback', '/handle_calls/status', [...CALL.filter(([k]) => k !== 'CallStatus'), ['CallStatus', 'completed'], ['SequenceNumber', '3'], ['CallDuration', '12']], 204, StatusCallback],
];

describe('webhook contracts: parameters Twilio adds pass', () => {
  it.each(WEBHOOKS)('%s: the contract itself accepts them', (_name, _url, params, _status, schema) => {
    expect(Value.Check(schema, Object.fromEntries(params))).toBe(true);
    expect(Value.Check(schema, Object.fromEntries([...params, ...UNKNOWN]))).toBe(true);
  });

  it.each(WEBHOOKS)('%s: the same answer with unknown parameters as without, and no warning', async (_name, url, params, status) => {
    const plain = await post(url, params);
    log.length = 0;
    const extended = await post(url, [...params, ...UNKNOWN]);
    expect(log.filter((line) => line.includes('webhook-outside-contract'))).toEqual([]);
    expect(plain.statusCode).toBe(status);
    expect(extended.statusCode).toBe(status);
    expect(extended.body).toBe(plain.body);
    expect(extended.headers['content-type']).toBe(plain.headers['content-type']);
  });

  it.each(WEBHOOKS)('%s: a new value of a known parameter is not an error either', async (_name, url, params, status) => {
    const res = await post(url, params.map(([k, v]) => [k, k === 'CallStatus' || k === 'Direction' ? 'some-future-value' : v]));
    expect(res.statusCode).toBe(status);
  });
});

describe('webhook contracts: a caller always hears TwiML', () => {
  const outside: [string, string, Pairs][] = [
    ['no CallSid', '/handle_calls', CALL.filter(([k]) => k !== 'CallSid')],
    ['no From and no To', '/handle_calls', CALL.filter(([k]) => k !== 'From' && k !== 'To')],
    ['no parameters at all', '/handle_calls', []],
    ['an unknown leg', '/handle_calls/after-dial?leg=conference', [...CALL, ['DialCallStatus', 'busy']]],
    ['no DialCallStatus', '/handle_calls/after-dial?leg=inbound', INBOUND],
    ['no leg and no CallSid', '/handle_calls/after-dial', [['DialCallStatus', 'no-answer']]],
  ];

  it.each(outside)('%s: TwiML, never a 400, and a warning in the log', async (name, url, params) => {
    log.length = 0;
    const res = await post(url, params);
    expect(res.statusCode, name).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>.*<\/Response>$/);
    expect(log.some((line) => line.includes('webhook-outside-contract'))).toBe(true);
  });

  it('a request inside the contract logs no such warning', async () => {
    log.length = 0;
    expect((await post('/handle_calls', CALL)).statusCode).toBe(200);
    expect(log.filter((line) => line.includes('webhook-outside-contract'))).toEqual([]);
  });
});

describe('webhook contracts: status callbacks', () => {
  it('a callback without a CallSid cannot be taken in: 400 with an { error, code } body', async () => {
    const res = await post('/handle_calls/status', [['CallStatus', 'completed']]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'The CallSid is missing.', code: 'bad_request' });
  });
});

describe('webhook contracts: the signature covers the form as sent', () => {
  const repeated: Pairs = [...CALL, ['To', '+19005550100']];

  it('a repeated parameter signed as sent is accepted, and the first value decides', async () => {
    const res = await post('/handle_calls', repeated);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe((await post('/handle_calls', CALL)).body);
  });

  it('a signature over the reduced form (first values only) is not the one Twilio makes: 403', async () => {
    const res = await post('/handle_calls', repeated, Object.fromEntries(CALL));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('bad_signature');
  });

  it('an unsigned request outside the contract is refused for its signature first', async () => {
    const res = await app.inject({ method: 'POST', url: '/handle_calls/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x=1' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'This request is not signed by Twilio for this account.', code: 'bad_signature' });
  });
});
