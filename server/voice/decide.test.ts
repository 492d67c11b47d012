import { describe, expect, it } from 'vitest';
import { decideAfterDial, decideVoice } from './decide';
import type { DialLeg, Params, VoiceContext, VoiceDecision } from './decide';
import { checkDestination } from './destination';
import { renderAfterDial, renderVoice, webhookUrls } from './twiml';

const ctx: VoiceContext = {
  teamNumber: '+12025550100',
  defaultCountry: 'US',
  allowedCountries: ['US', 'CA'],
  users: ['alice', 'bob', 'carol'],
  ringGroup: ['alice', 'bob'],
  ringTimeoutSeconds: 20,
  available: new Set(['alice', 'bob', 'carol']),
};
const urls = webhookUrls('https://phone.example.com');

const fromAlice = (To: string): Params => ({ From: 'client:alice', Caller: 'client:alice', To, CallSid: 'CA1' });
const dialNumber = (number: string): VoiceDecision => ({ kind: 'dial-number', callerId: '+12025550100', number, timeout: 20 });
const refused = (reason: string) => expect.objectContaining({ kind: 'refuse', reason });

const rules: [string, Params, unknown][] = [
  // Browser → phone number
  ['E.164 number', fromAlice('+12025550123'), dialNumber('+12025550123')],
  ['national format, team number region', fromAlice('(202) 555-0123'), dialNumber('+12025550123')],
  ['dots and spaces', fromAlice(' 202.555.0123 '), dialNumber('+12025550123')],
  ['allowed second country', fromAlice('+1 416 555 0123'), dialNumber('+14165550123')],
  ['toll-free is fine', fromAlice('1-800-555-1212'), dialNumber('+18005551212')],
  ['US premium rate 900', fromAlice('+19005550100'), refused('premium')],
  ['premium rate in national form', fromAlice('900-555-0100'), refused('premium')],
  ['other country (GB mobile)', fromAlice('+447911123456'), refused('country')],
  ['other country premium is still refused', fromAlice('+448712345678'), refused('premium')],
  ['non-geographic number', fromAlice('+80012345678'), refused('country')],
  ['too short', fromAlice('+12345'), refused('invalid')],
  ['empty To', fromAlice(''), refused('empty')],
  ['missing To', { From: 'client:alice' }, refused('empty')],
  ['vanity letters after digits', fromAlice('1-800-FLOWERS'), refused('invalid')],
  ['extension', fromAlice('+12025550123 x12'), refused('invalid')],
  ['injection: TwiML in To', fromAlice('<Hangup/>'), refused('invalid')],
  ['injection: attribute break-out', fromAlice('"><Dial>+19005550100</Dial>'), refused('invalid')],
  ['injection: digits then markup', fromAlice('+12025550123"><Play>x</Play>'), refused('invalid')],
  ['very long input', fromAlice('1'.repeat(200)), refused('invalid')],
  // Browser → colleague
  ['colleague as client:bob', fromAlice('client:bob'), { kind: 'dial-client', identity: 'bob', timeout: 20 }],
  ['colleague as plain name', fromAlice('bob'), { kind: 'dial-client', identity: 'bob', timeout: 20 }],
  ['colleague name in other case', fromAlice('Client:Carol'), { kind: 'dial-client', identity: 'carol', timeout: 20 }],
  ['unknown colleague', fromAlice('client:mallory'), refused('unknown-user')],
  ['unknown plain name', fromAlice('dave'), refused('unknown-user')],
  ['calling yourself', fromAlice('alice'), refused('self')],
  ['injection: markup in client name', fromAlice('client:bob"><Hangup/>'), refused('unknown-user')],
  ['injection: client name with XML', fromAlice('client:<Client>bob</Client>'), refused('unknown-user')],
  // Unknown browser identity
  ['browser identity not a user', { From: 'client:mallory', To: '+12025550123' }, refused('unknown-caller')],
  // Phone network → team number
  ['inbound to team number', { From: '+12025550199', To: '+12025550100' },
    { kind: 'ring-group', callerId: '+12025550199', identities: ['alice', 'bob'], timeout: 20 }],
  ['inbound from abroad keeps caller ID', { From: '+447911123456', To: '+12025550100' },
    { kind: 'ring-group', callerId: '+447911123456', identities: ['alice', 'bob'], timeout: 20 }],
  ['inbound anonymous caller', { From: 'anonymous', To: '+12025550100' },
    { kind: 'ring-group', identities: ['alice', 'bob'], timeout: 20 }],
  ['inbound with markup in From', { From: '+1"><Hangup/>', To: '+12025550100' },
    { kind: 'ring-group', identities: ['alice', 'bob'], timeout: 20 }],
  // Anything else
  ['phone call to another number', { From: '+12025550199', To: '+12025550111' }, refused('not-a-team-number')],
  ['no parameters at all', {}, refused('not-a-team-number')],
];

describe('decideVoice', () => {
  it.each(rules)('%s', (_name, params, expected) => {
    expect(decideVoice(params, ctx)).toEqual(expected);
  });

  const inbound = { From: '+12025550199', To: '+12025550100' };
  const nobody = { kind: 'nobody-available', then: { kind: 'say-and-hangup', message: expect.stringContaining('no one is available') } };
  it.each([
    ['bob on Do not disturb: only alice rings', ['alice', 'carol'], inbound, { kind: 'ring-group', callerId: '+12025550199', identities: ['alice'], timeout: 20 }],
    ['carol (not in the ring group) is available, nobody in it is', ['carol'], inbound, nobody],
    ['everybody on Do not disturb', [], inbound, nobody],
    // `available` leaves out Do not disturb only (presence/team.ts): a member on a call is rung again, for call waiting.
    ['call waiting: alice and bob are on calls, carol on Do not disturb: alice and bob ring', ['alice', 'bob'], inbound, { kind: 'ring-group', callerId: '+12025550199', identities: ['alice', 'bob'], timeout: 20 }],
    ['a colleague on Do not disturb still takes direct calls', [], fromAlice('bob'), { kind: 'dial-client', identity: 'bob', timeout: 20 }],
    ['availability does not change calls to numbers', [], fromAlice('+12025550123'), dialNumber('+12025550123')],
  ] as const)('%s', (_name, available, params, expected) => {
    expect(decideVoice(params, { ...ctx, available: new Set(available) })).toEqual(expected);
  });

  it('refuses with a short spoken reason that never repeats the request', () => {
    for (const [, params] of rules) {
      const decision = decideVoice(params, ctx);
      if (decision.kind !== 'refuse') continue;
      expect(decision.message.length).toBeLessThan(100);
      if (params.To && params.To.length > 2) expect(decision.message).not.toContain(params.To);
    }
  });
});

describe('checkDestination', () => {
  it.each([
    ['+12025550123', 'US', ['US'], true],
    ['02079460123', 'GB', ['GB'], true],
    ['0033 1 42 68 53 00', 'GB', ['FR'], true],
    ['+33892123456', 'FR', ['FR'], false], // French premium rate
  ] as const)('%s from %s', (raw, region, allowed, ok) => {
    expect(checkDestination(raw, { defaultCountry: region, allowedCountries: allowed }).ok).toBe(ok);
  });
});

const twiml: [string, VoiceDecision, string[]][] = [
  ['number', dialNumber('+12025550123'), [
    '<Dial callerId="+12025550100" answerOnBridge="true" timeout="20" action="https://phone.example.com/handle_calls/after-dial?leg=number" method="POST"><Number ',
    'statusCallback="https://phone.example.com/handle_calls/status"',
    'statusCallbackEvent="initiated ringing answered completed"',
    '>+12025550123</Number></Dial></Response>',
  ]],
  ['colleague', { kind: 'dial-client', identity: 'bob', timeout: 20 }, [
    '<Dial answerOnBridge="true" timeout="20" action="https://phone.example.com/handle_calls/after-dial?leg=client" method="POST"><Client ',
    '>bob</Client></Dial>',
  ]],
  ['ring group', { kind: 'ring-group', callerId: '+12025550199', identities: ['alice', 'bob'], timeout: 20 }, [
    '<Dial callerId="+12025550199" answerOnBridge="true" timeout="20" action="https://phone.example.com/handle_calls/after-dial?leg=inbound" method="POST">',
    '>alice</Client><Client ',
    '>bob</Client></Dial></Response>',
  ]],
  ['empty ring group', { kind: 'ring-group', identities: [], timeout: 20 }, ['<Say>Sorry, no one is available', '<Hangup/></Response>']],
  ['nobody available: the after-dial answer at once', { kind: 'nobody-available', then: { kind: 'say-and-hangup', message: 'Sorry, no one is available.' } }, [
    '<Response><Say>Sorry, no one is available.</Say><Hangup/></Response>',
  ]],
  ['refusal', { kind: 'refuse', reason: 'premium', message: 'Sorry, calls to premium rate numbers are not allowed from this phone.' }, [
    '<Response><Say>Sorry, calls to premium rate numbers are not allowed from this phone.</Say><Hangup/></Response>',
  ]],
];

describe('renderVoice', () => {
  it.each(twiml)('%s', (_name, decision, fragments) => {
    const xml = renderVoice(decision, urls);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Response>')).toBe(true);
    for (const fragment of fragments) expect(xml).toContain(fragment);
  });

  it('never renders a <Dial> for a refused destination, whatever the input', () => {
    for (const [, params] of rules) {
      const decision = decideVoice(params, ctx);
      const xml = renderVoice(decision, urls);
      if (decision.kind === 'refuse') {
        expect(xml).not.toContain('<Dial');
        expect(xml).toContain('<Hangup/>');
      }
      // Exactly one Response element: nothing from the request became markup.
      expect(xml.match(/<Response>/g)).toHaveLength(1);
      expect(xml).not.toContain('<Play');
    }
  });

  it('escapes text it is given (defence in depth)', () => {
    const xml = renderVoice({ kind: 'refuse', reason: 'invalid', message: '</Say><Dial>+1900</Dial>' }, urls);
    expect(xml).toContain('&lt;/Say&gt;&lt;Dial&gt;');
    expect(xml).not.toContain('<Dial>');
  });
});

const afterDial: [DialLeg, string, string][] = [
  ['inbound', 'no-answer', '<Say>Sorry, no one is available'],
  ['inbound', 'busy', '<Say>Sorry, no one is available'],
  ['inbound', 'failed', '<Say>Sorry, no one is available'],
  ['inbound', '', '<Say>Sorry, no one is available'],
  ['inbound', 'completed', '<Response><Hangup/></Response>'],
  ['inbound', 'canceled', '<Response><Hangup/></Response>'],
  ['number', 'busy', '<Response><Reject reason="busy"/></Response>'],
  ['number', 'no-answer', '<Response><Hangup/></Response>'],
  ['number', 'failed', '<Response><Hangup/></Response>'],
  ['number', 'completed', '<Response><Hangup/></Response>'],
  ['client', 'busy', '<Response><Reject reason="busy"/></Response>'],
  ['client', 'no-answer', '<Response><Hangup/></Response>'],
  ['client', 'canceled', '<Response><Hangup/></Response>'],
];

describe('decideAfterDial', () => {
  it.each(afterDial)('%s leg, DialCallStatus=%s', (leg, status, expected) => {
    expect(renderAfterDial(decideAfterDial({ DialCallStatus: status }, leg), urls)).toContain(expected);
  });
});

const voicemail = { greeting: 'You reached the team. Leave a message.', maxSeconds: 90 };
const toVoicemail = { kind: 'voicemail', greeting: voicemail.greeting, maxSeconds: 90, silenceSeconds: 5 };

describe('decideAfterDial with voicemail', () => {
  it.each<[DialLeg, string, unknown]>([
    // Only a caller from the phone network to the team number leaves a message.
    ['inbound', 'no-answer', toVoicemail],
    ['inbound', 'busy', toVoicemail],
    ['inbound', 'failed', toVoicemail],
    ['inbound', '', toVoicemail],
    ['inbound', 'completed', { kind: 'hangup' }],
    ['inbound', 'answered', { kind: 'hangup' }],
    ['inbound', 'canceled', { kind: 'hangup' }],
    // A colleague's unanswered call, and a browser's call to a number, never go to voicemail.
    ['client', 'no-answer', { kind: 'hangup' }],
    ['client', 'busy', { kind: 'reject-busy' }],
    ['number', 'no-answer', { kind: 'hangup' }],
    ['number', 'busy', { kind: 'reject-busy' }],
  ])('%s leg, DialCallStatus=%s', (leg, status, expected) => {
    expect(decideAfterDial({ DialCallStatus: status }, leg, voicemail)).toEqual(expected);
  });

  it('everybody on Do not disturb: the caller goes straight to voicemail', () => {
    const withVoicemail = { ...ctx, voicemail };
    expect(decideVoice({ From: '+12025550199', To: '+12025550100' }, { ...withVoicemail, available: new Set() })).toEqual({ kind: 'nobody-available', then: toVoicemail });
    expect(decideVoice(fromAlice('bob'), { ...withVoicemail, available: new Set() })).toEqual({ kind: 'dial-client', identity: 'bob', timeout: 20 });
  });

  it('renders the greeting, then <Record> with the beep, # to finish, the length limit and both callbacks', () => {
    const xml = renderAfterDial(toVoicemail as Parameters<typeof renderAfterDial>[0], urls);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>You reached the team. Leave a message.</Say>' +
        '<Record maxLength="90" playBeep="true" finishOnKey="#" timeout="5" action="https://phone.example.com/handle_calls/voicemail-done" method="POST" ' +
        'recordingStatusCallback="https://phone.example.com/handle_calls/recording" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="completed absent"/>' +
        '<Say>No message was recorded. Goodbye.</Say><Hangup/></Response>',
    );
  });

  it('a greeting with markup stays text', () => {
    const xml = renderAfterDial({ kind: 'voicemail', greeting: '</Say><Dial>+1900</Dial>', maxSeconds: 60, silenceSeconds: 5 }, urls);
    expect(xml).toContain('&lt;/Say&gt;&lt;Dial&gt;');
    expect(xml).not.toContain('<Dial>');
  });
});

describe('decideVoice: emergency numbers', () => {
  const off: VoiceContext = { ...ctx, emergencyCalling: false };
  const on: VoiceContext = { ...ctx, emergencyCalling: true, allowedCountries: [] };
  const gb: VoiceContext = { ...ctx, teamNumber: '+442079460123', defaultCountry: 'GB', allowedCountries: ['GB'] };
  const emergency = (number: string, callerId = '+12025550100') => ({ kind: 'dial-emergency', callerId, number, timeout: 120 });

  const cases: [string, VoiceContext, string, unknown][] = [
    ['911, emergency calling off (the default)', ctx, '911', refused('emergency')],
    ['112, off', off, '112', refused('emergency')],
    ['911 with spaces, off', off, ' 9 1 1 ', refused('emergency')],
    ['911, on: dialed although no country is allowed', on, '911', emergency('911')],
    ['112, on', on, '112', emergency('112')],
    ['999 is not an emergency number for a US team', on, '999', refused('invalid')],
    ['999 for a GB team, off', gb, '999', refused('emergency')],
    ['999 for a GB team, on', { ...gb, emergencyCalling: true }, '999', emergency('999', '+442079460123')],
    ['an explicit list wins', { ...on, emergencyNumbers: ['110'] }, '110', emergency('110')],
    ['911 in E.164 form is a (bad) number, not the emergency number', on, '+1911', refused('invalid')],
    ['9110 is not 911', on, '9110', refused('invalid')],
    ['a colleague named like nothing special still works', on, 'bob', { kind: 'dial-client', identity: 'bob', timeout: 20 }],
  ];

  it.each(cases)('%s', (_name, context, to, expected) => {
    expect(decideVoice(fromAlice(to), context)).toEqual(expected);
  });

  it('tells the caller to use another phone, and never dials when off', () => {
    const decision = decideVoice(fromAlice('911'), off);
    expect(decision).toMatchObject({ message: 'This phone does not place emergency calls. Please hang up and call from another phone.' });
    expect(renderVoice(decision, urls)).not.toContain('<Dial');
  });

  it('renders an emergency call as a Dial with the team number as caller ID', () => {
    const xml = renderVoice(decideVoice(fromAlice('911'), on), urls);
    expect(xml).toContain('<Dial callerId="+12025550100" answerOnBridge="true" timeout="120" action="https://phone.example.com/handle_calls/after-dial?leg=number" method="POST"><Number ');
    expect(xml).toContain('>911</Number></Dial>');
  });

  it('a phone calling the team number from an emergency-looking caller ID still rings the group', () => {
    expect(decideVoice({ From: '911', To: '+12025550100' }, on)).toMatchObject({ kind: 'ring-group' });
  });
});
