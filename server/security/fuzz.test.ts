/**
 * Generated webhooks and sign-ins. Every signed voice webhook gets well-formed TwiML in our grammar
 * that says exactly what the decision says (nothing from the request becomes markup), no <Dial> ever goes
 * outside the allow-list (re-checked independently), and nothing answers 5xx. Generated calls, their
 * callbacks shuffled, repeated and mixed with junk, give the right history record, and no user ever sees
 * another user's outbound or internal calls.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config';
import { formParams, voiceContext } from '../routes/voice';
import { decideAfterDial, decideVoice, parseLeg } from '../voice/decide';
import type { VoiceContext } from '../voice/decide';
import { AUTH_TOKEN, PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER, sign, twilioConfig } from '../../test-support/server-fixtures';
import { JSON_HEADERS, address, appWithRoutes } from '../../test-support/app-requests';
import { callSid, expectedRecord, scenarioArbitrary, scenarioRequests, signedWebhook } from '../../test-support/call-scenarios';
import { testStore } from '../../test-support/database';
import { foldedColumns } from '../history/records';
import type { Store } from '../store/store';
import { checkAfterDialTwiml, checkVoiceTwiml, numberViolation, parseTwiml } from '../../test-support/twiml-check';
import type { DialPolicy } from '../../test-support/twiml-check';

const WEBHOOK_RUNS = 5000;

let config: AppConfig;
let app: FastifyInstance;
let context: VoiceContext;
let policy: DialPolicy;
let store: Store;

beforeAll(async () => {
  // Several countries, so that "allowed country but premium rate" and "valid number, wrong country" both occur.
  config = await twilioConfig({ DIAL_ALLOWED_COUNTRIES: 'US,CA,GB' });
  store = await testStore(config);
  ({ app } = await appWithRoutes(config, { store }));
  context = { ...voiceContext(config), available: new Set(config.users.map((u) => u.name)) };
  policy = { allowedCountries: config.dialAllowedCountries, teamNumber: TEAM_NUMBER, users: context.users, publicBaseUrl: PUBLIC_BASE_URL };
});
afterAll(async () => {
  await app.close();
  await store.close();
});

// ---- generators -----------------------------------------------------------------------------------------

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const hostile = fc.constantFrom(
  '<Dial><Number>+19005550100</Number></Dial>',
  '</Say><Dial><Number>+447700900123</Number></Dial><Say>',
  ']]><Dial/>',
  '"/><Dial action="https://evil.example"><Number>+12025550123</Number></Dial><x a="',
  "'; <Hangup/>",
  '&lt;Dial&gt;',
  '&#60;Dial&#62;',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '<!-- -->',
  '\u0000\u0001\u0008\u000b\u001f',
  '\ud800',
  '\uffff\ufffe',
  '\u202e+12025550123',
  '+1 202 555 0123\n<Dial>',
  'client:alice<Dial>',
);
/** Names every plain object already has: a lookup by request text must not find these. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

const names = fc.oneof(
  fc.constantFrom('alice', 'bob', 'carol', 'mallory', 'Alice', ' BOB ', 'carol ', 'root', '', ...INHERITED),
  fc.stringMatching(/^[a-z][a-z0-9._-]{0,12}$/),
  fc.string({ maxLength: 30 }),
  hostile,
);
const numbers = fc.oneof(
  // Plausible North American numbers, some of them premium (900) or toll-free.
  fc.tuple(fc.constantFrom('202', '212', '415', '646', '305', '416', '604', '900', '800', '876', '242'), fc.constantFrom('2', '5', '9'), digits(6, 6)).map(([a, b, c]) => `+1${a}${b}${c}`),
  // Great Britain: geographic, mobile, premium (09), shared cost (084/087), personal (070).
  fc.tuple(fc.constantFrom('20', '121', '7700', '7911', '909', '908', '845', '870', '843', '70', '800'), digits(6, 8)).map(([a, b]) => `+44${a}${b}`),
  // Other countries and non-geographic codes.
  fc.tuple(fc.constantFrom('33', '49', '52', '61', '81', '86', '234', '800', '808', '870', '881', '882', '979', '7', '1'), digits(5, 12)).map(([cc, n]) => `+${cc}${n}`),
  // National and dialled formats of the default country.
  fc.tuple(fc.constantFrom('202', '900', '800', '555'), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4), fc.constantFrom('.', '-', ' ', '/')).map(([a, b, c, s]) => `${a}${s}${b}${s}${c}`),
  fc.tuple(fc.constantFrom('011', '00', '0', '1', '+', '++', '+0', ' +'), digits(6, 16)).map(([p, n]) => `${p}${n}`),
  fc.constantFrom('+12025550100', TEAM_NUMBER, '+1 202 555 0123 ext. 5', 'tel:+12025550123', 'sip:alice@example.com', '+１２０２５５５０１２３', '911', '112', '999', '+1900', '*67 202 555 0123', '#31#+12025550123'),
  fc.stringMatching(/^[+0-9 ()\-.]{0,30}$/),
  fc.string({ maxLength: 40 }),
  hostile,
);
const users = fc.constantFrom('alice', 'bob', 'carol');
const caller = fc.oneof(
  { weight: 6, arbitrary: users.map((n) => `client:${n}`) },
  { weight: 3, arbitrary: names.map((n) => `client:${n}`) },
  { weight: 3, arbitrary: numbers },
  { weight: 1, arbitrary: fc.constantFrom('', 'client:', 'anonymous', 'Restricted', '+266696687') },
  { weight: 1, arbitrary: hostile },
);
const callee = fc.oneof(
  { weight: 6, arbitrary: numbers },
  { weight: 1, arbitrary: users },
  { weight: 2, arbitrary: names },
  { weight: 2, arbitrary: names.map((n) => `client:${n}`) },
  { weight: 1, arbitrary: fc.constantFrom(TEAM_NUMBER, '', ' ', 'CLIENT:bob', 'client:client:bob') },
);
const extraParams = fc.dictionary(
  fc.oneof(fc.constantFrom('Digits', 'CallStatus', 'Direction', 'ForwardedFrom', 'CallerName', 'SipHeader_X', 'To', 'From', ...INHERITED), fc.string({ minLength: 1, maxLength: 12 })),
  fc.oneof(fc.string({ maxLength: 40 }), hostile),
  { maxKeys: 4 },
);

/** The body as sent (with optional repeated keys) and the parameters as Twilio signs them. */
function webhookBody(params: Record<string, string>, repeat: [string, string][]) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) search.append(k, v);
  for (const [k, v] of repeat) search.append(k, v);
  const body = search.toString();
  // Sign what the wire carries (URL encoding replaces lone surrogates, for instance).
  const signed: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(body)) {
    const prior = signed[k];
    signed[k] = prior === undefined ? v : [...[prior].flat(), v];
  }
  return { body, signed };
}

async function post(url: string, body: string, signed: Record<string, string | string[]>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}${url}`, signed as Record<string, string>) },
    payload: body,
  });
}

// ---- tests ----------------------------------------------------------------------------------------------

describe('fuzzing the voice webhook', () => {
  it(`${WEBHOOK_RUNS} signed webhooks: no 5xx, no injection, no dial outside the allow-list`, { timeout: 120_000 }, async () => {
    const tally = { dials: 0, numbersDialed: 0, byKind: {} as Record<string, number>, countries: {} as Record<string, number>, refusals: {} as Record<string, number> };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          From: caller,
          To: callee,
          CallSid: fc.oneof(fc.constant(`CA${'ab'.repeat(16)}`), fc.string({ maxLength: 40 })),
        }),
        extraParams,
        fc.array(fc.tuple(fc.constantFrom('To', 'From'), fc.oneof(numbers, names)), { maxLength: 2 }),
        async (base, extra, repeat) => {
          const { body, signed } = webhookBody({ ...extra, ...base }, repeat);
          const res = await post('/handle_calls', body, signed);
          expect(res.statusCode, body).toBe(200);
          expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
          const root = parseTwiml(res.body);
          // What the server should have decided from what it received (first value of a repeated key).
          const decision = decideVoice(formParams(Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, [v].flat()]))), context);
          checkVoiceTwiml(root, decision, policy);
          tally.byKind[decision.kind] = (tally.byKind[decision.kind] ?? 0) + 1;
          if (decision.kind === 'refuse') tally.refusals[decision.reason] = (tally.refusals[decision.reason] ?? 0) + 1;
          for (const dial of root.children.filter((c) => c.name === 'Dial')) {
            tally.dials++;
            for (const n of dial.children.filter((c) => c.name === 'Number')) {
              tally.numbersDialed++;
              const country = n.text.startsWith('+44') ? 'GB' : n.text.startsWith('+1') ? 'NANP' : 'other';
              tally.countries[country] = (tally.countries[country] ?? 0) + 1;
            }
          }
        },
      ),
      { numRuns: WEBHOOK_RUNS },
    );
    await store.background.idle();
    const seconds = (performance.now() - started) / 1000;
    // The generators must reach the interesting cases, or the property above proves little.
    expect(tally.numbersDialed).toBeGreaterThan(WEBHOOK_RUNS / 50);
    expect(tally.refusals.premium ?? 0).toBeGreaterThan(0);
    expect(tally.refusals.country ?? 0).toBeGreaterThan(0);
    expect(tally.byKind['dial-client'] ?? 0).toBeGreaterThan(0);
    expect(tally.byKind['ring-group'] ?? 0).toBeGreaterThan(0);
    console.log(
      `fuzz: ${WEBHOOK_RUNS} signed voice webhooks in ${seconds.toFixed(1)} s, 0 5xx, 0 injections, 0 disallowed dials; ` +
        `${tally.numbersDialed} numbers dialed (${Object.entries(tally.countries).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
        `decisions ${JSON.stringify(tally.byKind)}, refusals ${JSON.stringify(tally.refusals)}`,
    );
    // 5000 requests take 10 to 40 s on a busy shared machine: the time is printed, never judged.
  });

  it('after-dial and status callbacks: no 5xx, only fixed messages', async () => {
    const statuses = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled', '') },
      { weight: 1, arbitrary: fc.constantFrom(...INHERITED) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      { weight: 1, arbitrary: hostile },
    );
    const kinds: Record<string, number> = {};
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('number', 'client', 'inbound') }, { weight: 1, arbitrary: fc.constantFrom(...INHERITED) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: hostile }), statuses, extraParams, async (leg, status, extra) => {
        const { body, signed } = webhookBody({ ...extra, DialCallStatus: status, CallSid: 'CA1' }, []);
        const url = `/handle_calls/after-dial?${new URLSearchParams({ leg })}`;
        const res = await post(url, body, signed);
        expect(res.statusCode, url).toBe(200);
        const sentLeg = new URLSearchParams(url.split('?')[1]).get('leg') ?? undefined;
        const decision = decideAfterDial({ DialCallStatus: [signed.DialCallStatus].flat()[0] }, parseLeg(sentLeg) ?? 'inbound', config.voicemail);
        checkAfterDialTwiml(parseTwiml(res.body), decision);
        kinds[decision.kind] = (kinds[decision.kind] ?? 0) + 1;
        const statusRes = await post('/handle_calls/status', body, signed);
        expect(statusRes.statusCode).toBe(204);
        expect(statusRes.body).toBe('');
        runs += 2;
      }),
      { numRuns: 500 },
    );
    expect(Object.keys(kinds).sort()).toEqual(['hangup', 'reject-busy', 'voicemail']);
    console.log(`fuzz: ${runs} after-dial and status callbacks, 0 5xx, only fixed messages (${JSON.stringify(kinds)})`);
  });

  it('the independent number check itself rejects what it should (so a pass above means something)', () => {
    const allow = { allowedCountries: ['US', 'CA', 'GB'] as const };
    expect(numberViolation('+12025550123', allow)).toBeUndefined();
    expect(numberViolation('+447400123456', allow)).toBeUndefined();
    expect(numberViolation('+19005550123', allow)).toMatch(/PREMIUM_RATE/);
    expect(numberViolation('+33142685300', allow)).toMatch(/FR/);
    expect(numberViolation('+80012345678', allow)).toMatch(/no country|not a valid/);
    expect(numberViolation('2025550123', allow)).toMatch(/E\.164/);
    expect(() => parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Sip>x</Sip></Dial></Response>')).toThrow(/Sip/);
    expect(() => parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Say>a<Play>b</Play></Say></Response>')).toThrow(/Play/);
    expect(() => parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Say><![CDATA[x]]></Say></Response>')).toThrow(/CDATA/);
    expect(() => parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Dial url="x"/></Response>')).toThrow(/attribute url/);
  });
});

describe('fuzzing the call history', () => {
  /** Status callbacks of calls that never were, signed and well-formed but saying anything. */
  const junk = fc.record(
    {
      CallSid: fc.oneof(fc.constant(callSid(99)), fc.string({ maxLength: 40 }), fc.stringMatching(/^CA[0-9a-f]{32}$/)),
      ParentCallSid: fc.oneof(fc.constant(''), fc.stringMatching(/^CA[0-9a-f]{32}$/), fc.string({ maxLength: 10 })),
      CallStatus: fc.oneof(fc.constantFrom('completed', 'in-progress', 'busy', 'ringing'), fc.string({ maxLength: 12 })),
      SequenceNumber: fc.oneof(fc.nat().map(String), fc.string({ maxLength: 8 })),
      Timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string({ maxLength: 20 })),
      CallDuration: fc.oneof(fc.nat().map(String), fc.string({ maxLength: 8 })),
      From: fc.oneof(fc.constantFrom('client:alice', '+12025550123', ''), fc.string({ maxLength: 30 })),
      To: fc.oneof(fc.constantFrom('client:bob', TEAM_NUMBER), fc.string({ maxLength: 30 })),
    },
    { requiredKeys: ['CallSid'] },
  );

  it('calls with their callbacks shuffled, repeated and mixed with junk: no 5xx, and the record the call must have', { timeout: 120_000 }, async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary.map((s) => ({ ...s, sid: callSid() })).chain((s) => {
          const real = scenarioRequests(s);
          const twice = [...real, ...real.slice(0, 4)];
          return fc.tuple(fc.constant(s), fc.shuffledSubarray(twice, { minLength: twice.length }), fc.array(junk, { maxLength: 4 }));
        }),
        async ([s, real, noise]) => {
          const all = [...real, ...noise.map((params) => ({ path: '/handle_calls/status' as const, params: params as Record<string, string> }))];
          for (const r of all) {
            const res = await app.inject(signedWebhook(r));
            expect(res.statusCode, `${r.path} ${JSON.stringify(r.params)}`).toBeLessThan(500);
            if (r.path === '/handle_calls/status' && real.includes(r as (typeof real)[number])) expect(res.statusCode).toBe(204);
            requests++;
          }
          await store.background.idle();
          // Over HTTP the voice webhook and the action are dated when they arrive (now), not when the scenario
          // says; the fold's own tests check those times. Everything else must be exactly right.
          const { started_at: _started, ended_at: _ended, ...expected } = foldedColumns(expectedRecord(s));
          const row = await store.history.get(s.sid);
          expect(row).toMatchObject(expected);
          expect(row!.ended_at === null).toBe(row!.outcome === null);
        },
      ),
      { numRuns: 60 },
    );
    console.log(`fuzz: ${requests} history webhooks (60 calls, shuffled, repeated, with junk), 0 5xx, every record right`);
  });

  it("no user sees another user's outbound or internal calls, whatever the mix (fast-check)", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(scenarioArbitrary.map((s) => ({ ...s, sid: callSid() })), { minLength: 1, maxLength: 6 }), async (scenarios) => {
        for (const s of scenarios) for (const r of scenarioRequests(s)) await app.inject(signedWebhook(r));
        await store.background.idle();
        for (const user of ['alice', 'bob', 'carol']) {
          let before: string | undefined;
          do {
            const page = await store.history.list(user, { limit: 100, ...(before ? { before } : {}) });
            for (const call of page.items) {
              if (call.direction === 'inbound') continue;
              expect([call.from, call.to], `${user} sees ${call.direction} ${call.from}→${call.to}`).toContain(`client:${user}`);
            }
            before = page.nextCursor ?? undefined;
          } while (before);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('fuzzing sign-in', () => {
  it('generated bodies, content types and values: no 5xx, no cookie without the right password', async () => {
    const values = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('alice', 'ALICE', ' alice ', 'alice\u0000', 'ａｌｉｃｅ', '__proto__', 'constructor', 'x'.repeat(65), 'y'.repeat(2000)),
      fc.jsonValue({ maxDepth: 2 }),
      hostile,
    );
    const bodies = fc.oneof(
      { weight: 6, arbitrary: fc.record({ username: values, password: values }, { requiredKeys: [] }).map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom('{"username":"alice","password":"x","__proto__":{"admin":true}}', '{"username":"alice"', '[]', 'null', '""', '{"username":{"$ne":null},"password":{"$ne":null}}', '{}'.padEnd(5000, ' ')) },
    );
    const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1');
    const statuses: Record<number, number> = {};
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(bodies, contentTypes, async (payload, contentType) => {
        const res = await app.inject({ method: 'POST', url: '/api/session', headers: { ...JSON_HEADERS, 'content-type': contentType }, remoteAddress: address(), payload });
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        expect(res.statusCode, payload.slice(0, 200)).toBeLessThan(500);
        expect([400, 401, 413, 415, 429], payload.slice(0, 200)).toContain(res.statusCode);
        const body = res.json();
        expect(typeof body.error).toBe('string');
        expect(typeof body.code).toBe('string');
        expect(res.headers['set-cookie']).toBeUndefined();
        runs++;
      }),
      { numRuns: 400 },
    );
    // And the right password still works after all that (only the per-user limit may stand in its way).
    const ok = await app.inject({ method: 'POST', url: '/api/session', headers: JSON_HEADERS, remoteAddress: address(), payload: { username: 'carol', password: PASSWORDS.carol } });
    expect(ok.statusCode).toBe(200);
    console.log(`fuzz: ${runs} generated sign-ins, 0 5xx, 0 cookies issued; statuses ${JSON.stringify(statuses)}`);
  });
});
