/**
 * `npm run call -- --to <number> --say "<text>"` and `npm run sms -- --to <number> --body "<text>"`: the
 * classic REST quick-starts, made of the server's own parts (dialing rules, the Say TwiML it serves, the
 * message sender). Each prints the SID, every status it goes through and the final one, and exits 0 only
 * when the call was answered or the text sent; any failure is one line on stderr and exit code 1 (2 for
 * wrong arguments).
 */
import { parseArgs } from 'node:util';
import { SAY_MAX_CHARS } from '../../contracts/api/rest-calls';
import { ConfigError, type Env } from '../config';
import { deliveryError } from '../messages/delivery-errors';
import { SendRefusedError } from '../messages/sender';
import { restFailure } from '../twilio/rest-client';
import { checkDestination, type BlockReason } from '../voice/destination';
import { sayText, sayUrl } from './say';
import { ScriptSetupError, type ScriptPort } from './script-port';

export interface ScriptIo {
  out(line: string): void;
  err(line: string): void;
}

export interface ScriptOptions {
  /** Builds the port from the environment (scriptPort, or a fake). */
  port(env: Env): Promise<ScriptPort>;
  env: Env;
  io: ScriptIo;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const CALL_USAGE = `Usage: npm run call -- --to <number> --say "<text>" [--wait <seconds>]

Calls the number from the team number and says the text once answered (TwiML served by the running
server), then prints the call's final status. Exits 0 when the call was answered.`;

export const SMS_USAGE = `Usage: npm run sms -- --to <number> --body "<text>" [--wait <seconds>]

Texts the number from the team number, then prints the message's final status (delivered, or sent when no
delivery receipt comes within --wait seconds). Exits 0 when the text was sent.`;

const BLOCKED: Record<BlockReason, (noun: string) => string> = {
  empty: () => 'Give the number with --to.',
  invalid: () => 'That is not a valid phone number: check --to (E.164, or a number of the team number’s country).',
  premium: (noun) => `${noun} to premium-rate numbers are not allowed.`,
  country: (noun) => `${noun} to that country are not allowed from the team number (DIAL_ALLOWED_COUNTRIES).`,
};

const CALL_ENDS: Record<string, string> = {
  busy: 'the line was busy',
  'no-answer': 'nobody answered',
  failed: 'the call could not be connected',
  canceled: 'the call was canceled before it was answered',
};
const CALL_FINAL = new Set(['completed', ...Object.keys(CALL_ENDS)]);
const MESSAGE_FINAL = new Set(['delivered', 'undelivered', 'failed']);

const DEFAULT_CALL_WAIT_S = 120;
const DEFAULT_SMS_WAIT_S = 60;

type Parsed = { to: string; text: string; waitMs: number } | { exit: number };

function parse(argv: readonly string[], textOption: 'say' | 'body', usage: string, defaultWaitS: number, io: ScriptIo, name: string): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { to: { type: 'string' }, [textOption]: { type: 'string' }, wait: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    io.err(`${name}: ${(err as Error).message}\n${usage}`);
    return { exit: 2 };
  }
  if (values.help) {
    io.out(usage);
    return { exit: 0 };
  }
  const to = values.to;
  const text = values[textOption];
  const wait = values.wait === undefined ? defaultWaitS : Number(values.wait);
  if (typeof to !== 'string' || typeof text !== 'string') {
    io.err(`${name}: --to and --${textOption} are required.\n${usage}`);
    return { exit: 2 };
  }
  if (!Number.isFinite(wait) || wait < 0 || wait > 3600) {
    io.err(`${name}: --wait is a number of seconds from 0 to 3600.`);
    return { exit: 2 };
  }
  return { to, text, waitMs: wait * 1000 };
}

/** The port, the destination in E.164 and a running server, or the one line that says why not. */
async function prepare(opts: ScriptOptions, name: string, noun: string, to: string): Promise<{ port: ScriptPort; e164: string } | string> {
  let port: ScriptPort;
  try {
    port = await opts.port(opts.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ScriptSetupError) return `${name}: ${err.message}`;
    throw err;
  }
  const destination = checkDestination(to, port.policy);
  if (!destination.ok) return `${name}: ${BLOCKED[destination.reason](noun)}`;
  if (!(await port.serverUp())) {
    const why = name === 'call' ? 'it serves the words the call says' : 'it takes the delivery reports';
    return `${name}: The softphone server is not running at ${port.publicBaseUrl}: start it with \`npm start\` (${why}).`;
  }
  return { port, e164: destination.e164 };
}

function twilioRefusal(noun: string, err: unknown): string {
  const f = restFailure(err);
  if (f.status === undefined) return `Twilio could not be reached: ${f.message}`;
  return `Twilio refused the ${noun}${f.code !== undefined ? ` (error ${f.code})` : ''}: ${f.message}`;
}

/** Polls `read` until `final` says so or the wait is over, printing each new status; the last state read. */
async function follow<S extends { status: string }>(opts: ScriptOptions, sid: string, first: S, waitMs: number, read: () => Promise<S>, final: (s: S) => boolean): Promise<S> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = opts.pollMs ?? 500;
  let state = first;
  opts.io.out(`${sid}  ${state.status}`);
  const deadline = Date.now() + waitMs;
  // At least one look after creation, however short the wait.
  for (let looks = 0; !final(state) && (looks === 0 || Date.now() < deadline); looks++) {
    await sleep(pollMs);
    const next = await read();
    if (next.status !== state.status) opts.io.out(`${sid}  ${next.status}`);
    state = next;
  }
  return state;
}

export async function runCall(argv: readonly string[], opts: ScriptOptions): Promise<number> {
  const { io } = opts;
  const args = parse(argv, 'say', CALL_USAGE, DEFAULT_CALL_WAIT_S, io, 'call');
  if ('exit' in args) return args.exit;
  const text = sayText(args.text);
  if (text === '') {
    io.err('call: --say is empty: give the words the call should say.');
    return 2;
  }
  if (args.text.trim().length > SAY_MAX_CHARS) {
    io.err(`call: --say is longer than ${SAY_MAX_CHARS} characters.`);
    return 2;
  }
  const ready = await prepare(opts, 'call', 'Calls', args.to);
  if (typeof ready === 'string') {
    io.err(ready);
    return 1;
  }
  const { port, e164 } = ready;
  io.out(`Calling ${e164} from ${port.teamNumber} through ${port.where}`);
  try {
    const created = await port.createCall({ to: e164, from: port.teamNumber, url: sayUrl(port.publicBaseUrl, text) });
    const end = await follow(opts, created.sid, created, args.waitMs, () => port.fetchCall(created.sid), (s) => CALL_FINAL.has(s.status));
    if (end.status === 'completed') {
      io.out(`${created.sid}  completed: answered, the message was said${end.durationSeconds !== null ? ` (${end.durationSeconds} s)` : ''}.`);
      return 0;
    }
    io.err(CALL_ENDS[end.status]
      ? `call: ${created.sid} ended ${end.status}: ${CALL_ENDS[end.status]}.`
      : `call: ${created.sid} is still ${end.status} after ${args.waitMs / 1000} s; it goes on without this script.`);
    return 1;
  } catch (err) {
    io.err(`call: ${twilioRefusal('call', err)}`);
    return 1;
  }
}

export async function runSms(argv: readonly string[], opts: ScriptOptions): Promise<number> {
  const { io } = opts;
  const args = parse(argv, 'body', SMS_USAGE, DEFAULT_SMS_WAIT_S, io, 'sms');
  if ('exit' in args) return args.exit;
  if (args.text.trim() === '') {
    io.err('sms: --body is empty: give the text to send.');
    return 2;
  }
  if (args.text.length > 1600) {
    io.err('sms: --body is longer than 1600 characters, the most Twilio takes in one message.');
    return 2;
  }
  const ready = await prepare(opts, 'sms', 'Texts', args.to);
  if (typeof ready === 'string') {
    io.err(ready);
    return 1;
  }
  const { port, e164 } = ready;
  io.out(`Texting ${e164} from ${port.teamNumber} through ${port.where}`);
  try {
    const sent = await port.sender.send({ to: e164, body: args.text, statusCallback: `${port.publicBaseUrl}/handle_sms/status` });
    const end = await follow(opts, sent.sid, sent, args.waitMs, () => port.fetchMessage(sent.sid), (s) => MESSAGE_FINAL.has(s.status));
    if (end.status === 'delivered') {
      io.out(`${sent.sid}  delivered.`);
      return 0;
    }
    if (end.status === 'failed' || end.status === 'undelivered') {
      io.err(`sms: ${sent.sid} ${end.status}: ${deliveryError(end.errorCode)}.`);
      return 1;
    }
    io.out(`${sent.sid}  ${end.status}: no delivery receipt within ${args.waitMs / 1000} s (some carriers never send one).`);
    return end.status === 'sent' ? 0 : 1;
  } catch (err) {
    io.err(`sms: ${err instanceof SendRefusedError ? err.message : twilioRefusal('message', err)}`);
    return 1;
  }
}
