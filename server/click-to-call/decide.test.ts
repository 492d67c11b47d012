// The pure decisions of "Call via my phone": TwiML, the key, what each leg's status shows.
import { describe, expect, it } from 'vitest';
import { DESTINATION_REFUSED, NO_KEY, PROMPT, clickToCallUrls, decideConnect, renderAnswer, renderConnect, stageOf } from './decide';

const BASE = 'https://phone.example.com';
const TEAM = '+12025550100';
const leg = { user: 'alice', to: '+14155550123', via: '+12025550177' };
const policy = { defaultCountry: 'US' as const, allowedCountries: ['US' as const] };
const q = 'user=alice&amp;to=%2B14155550123&amp;via=%2B12025550177';

describe('renderAnswer', () => {
  it('asks for one key with the connect URL as action, and hangs up when none comes', () => {
    expect(renderAnswer(BASE, leg)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
      `<Gather numDigits="1" timeout="8" action="${BASE}/handle_calls/click-to-call/connect?${q}" method="POST"><Say>${PROMPT}</Say></Gather>` +
      `<Say>${NO_KEY}</Say><Hangup/></Response>`,
    );
  });
});

describe('decideConnect', () => {
  it.each([
    ['1 to an allowed number', '1', leg.to, { kind: 'dial', number: leg.to }],
    ['another key', '2', leg.to, { kind: 'no-key' }],
    ['no key at all', undefined, leg.to, { kind: 'no-key' }],
    ['1 to a country no longer allowed', '1', '+442071838750', { kind: 'refused' }],
    ['1 to a premium-rate number', '1', '+19005550123', { kind: 'refused' }],
    ['1 to garbage', '1', 'client:bob', { kind: 'refused' }],
  ])('%s', (_name, digits, to, expected) => {
    expect(decideConnect(digits, to, policy)).toEqual(expected);
  });
});

describe('renderConnect', () => {
  it('dials the destination with the team number as caller ID, reporting its progress', () => {
    expect(renderConnect({ kind: 'dial', number: leg.to }, BASE, leg, TEAM)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+12025550100" answerOnBridge="true">' +
      `<Number statusCallback="${BASE}/handle_calls/click-to-call/status?${q}&amp;leg=destination" statusCallbackEvent="ringing answered completed" statusCallbackMethod="POST">+14155550123</Number>` +
      '</Dial></Response>',
    );
  });
  it.each([
    [{ kind: 'no-key' } as const, NO_KEY],
    [{ kind: 'refused' } as const, DESTINATION_REFUSED],
  ])('%o says why and hangs up', (decision, words) => {
    expect(renderConnect(decision, BASE, leg, TEAM)).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Say>${words}</Say><Hangup/></Response>`);
  });
});

describe('stageOf', () => {
  it.each([
    ['mobile', 'initiated', { stage: 'calling-you', reason: null }],
    ['mobile', 'ringing', { stage: 'calling-you', reason: null }],
    ['mobile', 'in-progress', { stage: 'press-1', reason: null }],
    ['mobile', 'completed', { stage: 'ended', reason: 'completed' }],
    ['mobile', 'busy', { stage: 'ended', reason: 'busy' }],
    ['mobile', 'no-answer', { stage: 'ended', reason: 'no-answer' }],
    ['mobile', 'canceled', { stage: 'ended', reason: 'canceled' }],
    ['mobile', 'something-new', null],
    ['destination', 'ringing', { stage: 'calling-destination', reason: null }],
    ['destination', 'in-progress', { stage: 'connected', reason: null }],
    ['destination', 'answered', { stage: 'connected', reason: null }],
    ['destination', 'completed', null],
    ['destination', 'busy', null],
  ] as const)('%s %s', (which, status, expected) => {
    expect(stageOf(which, status)).toEqual(expected);
  });
});

describe('clickToCallUrls', () => {
  it('carries the user, destination and phone in every query', () => {
    const urls = clickToCallUrls(BASE, { user: 'zoë', to: '+14155550123', via: '+12025550177' });
    expect(new URL(urls.status('mobile')).searchParams.get('user')).toBe('zoë');
    expect(new URL(urls.answer).pathname).toBe('/handle_calls/click-to-call');
  });
});
