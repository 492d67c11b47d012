// npm run call / npm run sms against a fake port: what they print and the exit code, case by case.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
import { refusalMessage, SendRefusedError } from '../messages/sender';
import type { MessageStatus } from '../../contracts/api/messages';
import { runCall, runSms } from './scripts';
import { ScriptSetupError, type CallState, type MessageState, type ScriptPort } from './script-port';

const BASE = 'https://phone.example.com';
const TEAM = '+12025550100';

/** Twilio's REST errors as the helper throws them. */
const restError = (status: number, code: number, message: string) => Object.assign(new Error(message), { status, code });

interface FakeWorld {
  up?: boolean;
  /** Statuses the call goes through after it is created. */
  call?: CallState[];
  callRefusal?: Error;
  message?: MessageState[];
  sendRefusal?: Error;
  setup?: Error;
}

function fakePort(world: FakeWorld) {
  const created: { to: string; from: string; url: string }[] = [];
  const sent: { to: string; body: string; statusCallback: string }[] = [];
  const calls = [...(world.call ?? [{ status: 'completed', durationSeconds: 3 }])];
  const messages = [...(world.message ?? [{ status: 'delivered' as MessageStatus, errorCode: null }])];
  const port: ScriptPort = {
    where: 'the test',
    publicBaseUrl: BASE,
    teamNumber: TEAM,
    policy: { defaultCountry: 'US', allowedCountries: ['US', 'CA'] },
    serverUp: async () => world.up ?? true,
    createCall: async (request) => {
      if (world.callRefusal) throw world.callRefusal;
      created.push(request);
      return { sid: `CA${'1'.repeat(32)}`, status: 'queued', durationSeconds: null };
    },
    fetchCall: async () => (calls.length > 1 ? calls.shift()! : calls[0]!),
    sender: {
      send: async (request) => {
        if (world.sendRefusal) throw world.sendRefusal;
        sent.push(request);
        return { sid: `SM${'2'.repeat(32)}`, status: 'queued', errorCode: null };
      },
    },
    fetchMessage: async () => (messages.length > 1 ? messages.shift()! : messages[0]!),
  };
  return { port, created, sent };
}

async function run(script: typeof runCall, argv: string[], world: FakeWorld = {}) {
  const { port, created, sent } = fakePort(world);
  const out: string[] = [];
  const err: string[] = [];
  const code = await script(argv, {
    port: async () => {
      if (world.setup) throw world.setup;
      return port;
    },
    env: {},
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    pollMs: 0,
    sleep: async () => undefined,
  });
  return { code, out, err, created, sent };
}

describe('npm run call', () => {
  it('calls from the team number with the signed Say URL and prints each status to the final one', async () => {
    const r = await run(runCall, ['--to', '(202) 555-0101', '--say', 'Your table is ready'], {
      call: [{ status: 'ringing', durationSeconds: null }, { status: 'in-progress', durationSeconds: null }, { status: 'completed', durationSeconds: 4 }],
    });
    expect(r.code).toBe(0);
    expect(r.created).toEqual([{ to: '+12025550101', from: TEAM, url: `${BASE}/handle_calls/say?text=Your+table+is+ready` }]);
    const sid = `CA${'1'.repeat(32)}`;
    expect(r.out).toEqual([
      `Calling +12025550101 from ${TEAM} through the test`,
      `${sid}  queued`, `${sid}  ringing`, `${sid}  in-progress`, `${sid}  completed`,
      `${sid}  completed: answered, the message was said (4 s).`,
    ]);
    expect(r.err).toEqual([]);
  });

  it.each([
    ['busy', [{ status: 'busy', durationSeconds: null }], /ended busy: the line was busy\.$/],
    ['no answer', [{ status: 'no-answer', durationSeconds: null }], /ended no-answer: nobody answered\.$/],
    ['failed', [{ status: 'failed', durationSeconds: null }], /ended failed: the call could not be connected\.$/],
    ['no final status in time', [{ status: 'ringing', durationSeconds: null }], /is still ringing after 0 s; it goes on without this script\.$/],
  ])('exits 1 with one line when the call ends %s', async (_name, call, line) => {
    const r = await run(runCall, ['--to', '+12025550103', '--say', 'Hi', '--wait', '0'], { call });
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(line);
  });

  it.each([
    ['an invalid number', ['--to', '12345', '--say', 'Hi'], {}, 1, 'call: That is not a valid phone number: check --to (E.164, or a number of the team number’s country).'],
    ['a country not allowed', ['--to', '+442071838750', '--say', 'Hi'], {}, 1, 'call: Calls to that country are not allowed from the team number (DIAL_ALLOWED_COUNTRIES).'],
    ['a premium-rate number', ['--to', '+19005550123', '--say', 'Hi'], {}, 1, 'call: Calls to premium-rate numbers are not allowed.'],
    ['the server not running', ['--to', '+12025550101', '--say', 'Hi'], { up: false }, 1,
      'call: The softphone server is not running at https://phone.example.com: start it with `npm start` (it serves the words the call says).'],
    ['Twilio refusing with a code', ['--to', '+12025550101', '--say', 'Hi'], { callRefusal: restError(400, 21215, 'Account not authorized to call +12025550101.') }, 1,
      'call: Twilio refused the call (error 21215): Account not authorized to call +12025550101.'],
    ['Twilio out of reach', ['--to', '+12025550101', '--say', 'Hi'], { callRefusal: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }) }, 1,
      'call: Twilio could not be reached: connect ECONNREFUSED 127.0.0.1:443'],
    ['a configuration error', ['--to', '+12025550101', '--say', 'Hi'], { setup: new ConfigError('TWILIO_NUMBER', 'expected a number in E.164') }, 1, 'call: TWILIO_NUMBER: expected a number in E.164'],
    ['no local server ever', ['--to', '+12025550101', '--say', 'Hi'], { setup: new ScriptSetupError('The softphone server is not running.') }, 1, 'call: The softphone server is not running.'],
    ['empty words', ['--to', '+12025550101', '--say', '  '], {}, 2, 'call: --say is empty: give the words the call should say.'],
    ['words too long', ['--to', '+12025550101', '--say', 'x'.repeat(1001)], {}, 2, 'call: --say is longer than 1000 characters.'],
    ['a bad wait', ['--to', '+12025550101', '--say', 'Hi', '--wait', 'soon'], {}, 2, 'call: --wait is a number of seconds from 0 to 3600.'],
  ] as const)('refuses %s with one line', async (_name, argv, world, code, line) => {
    const r = await run(runCall, [...argv], world as FakeWorld);
    expect(r.code).toBe(code);
    expect(r.err).toEqual([line]);
    expect(r.created).toEqual([]);
  });

  it('prints usage for missing options, and for --help on stdout with exit 0', async () => {
    const missing = await run(runCall, ['--to', '+12025550101']);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^call: --to and --say are required\.\nUsage: npm run call/);
    const help = await run(runCall, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^Usage: npm run call/);
  });
});

describe('npm run sms', () => {
  it('sends from the team number with the status callback and follows it to delivered', async () => {
    const r = await run(runSms, ['--to', '+12025550101', '--body', 'こんにちは'], {
      message: [{ status: 'sent', errorCode: null }, { status: 'delivered', errorCode: null }],
    });
    expect(r.code).toBe(0);
    expect(r.sent).toEqual([{ to: '+12025550101', body: 'こんにちは', statusCallback: `${BASE}/handle_sms/status` }]);
    const sid = `SM${'2'.repeat(32)}`;
    expect(r.out.slice(1)).toEqual([`${sid}  queued`, `${sid}  sent`, `${sid}  delivered`, `${sid}  delivered.`]);
  });

  it.each([
    ['failed on a landline', [{ status: 'failed', errorCode: 30006 }], 1, 'err', 'failed: the number is a landline or cannot receive texts (error 30006).'],
    ['undelivered', [{ status: 'undelivered', errorCode: 30003 }], 1, 'err', 'undelivered: the phone is switched off or out of reach (error 30003).'],
    ['sent with no receipt', [{ status: 'sent', errorCode: null }], 0, 'out', 'sent: no delivery receipt within 0 s (some carriers never send one).'],
  ] as const)('%s', async (_name, message, code, stream, tail) => {
    const r = await run(runSms, ['--to', '+12025550101', '--body', 'Hi', '--wait', '0'], { message: [...message] as MessageState[] });
    expect(r.code).toBe(code);
    expect(r[stream].at(-1)).toBe(`${stream === 'err' ? 'sms: ' : ''}SM${'2'.repeat(32)} ${stream === 'out' ? ' ' : ''}${tail}`);
  });

  it.each([
    ['an opted-out number', new SendRefusedError(refusalMessage(21610, 'unsubscribed'), 21610),
      'sms: This number replied STOP: it gets no texts from the team until it texts START (error 21610).'],
    ['an unknown refusal', new SendRefusedError(refusalMessage(21999, 'Something odd'), 21999), 'sms: Twilio refused the message (error 21999): Something odd'],
  ])('refuses %s in words', async (_name, sendRefusal, line) => {
    const r = await run(runSms, ['--to', '+12025550101', '--body', 'Hi'], { sendRefusal });
    expect(r.code).toBe(1);
    expect(r.err).toEqual([line]);
  });

  it.each([
    ['an empty body', ['--to', '+12025550101', '--body', ' '], 2, 'sms: --body is empty: give the text to send.'],
    ['a body over 1600 characters', ['--to', '+12025550101', '--body', 'x'.repeat(1601)], 2, 'sms: --body is longer than 1600 characters, the most Twilio takes in one message.'],
    ['a country not allowed', ['--to', '+33612345678', '--body', 'Hi'], 1, 'sms: Texts to that country are not allowed from the team number (DIAL_ALLOWED_COUNTRIES).'],
  ])('refuses %s', async (_name, argv, code, line) => {
    const r = await run(runSms, argv);
    expect(r.code).toBe(code);
    expect(r.err).toEqual([line]);
    expect(r.sent).toEqual([]);
  });

  it('says the server is not running, naming what it is needed for', async () => {
    const r = await run(runSms, ['--to', '+12025550101', '--body', 'Hi'], { up: false });
    expect(r.err).toEqual(['sms: The softphone server is not running at https://phone.example.com: start it with `npm start` (it takes the delivery reports).']);
  });
});
