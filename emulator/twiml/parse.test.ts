import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { parseTwiml, TwimlError } from './parse';
import { parseXml } from './xml';

describe('parseXml', () => {
  it('reads elements, attributes, entities, CDATA and skips comments and the declaration', () => {
    const el = parseXml(`<?xml version="1.0" encoding="UTF-8"?><!-- hi --><A x='1' y="&lt;&amp;&#65;&#x42;"><B/>t&gt;<![CDATA[<raw>]]></A>`);
    expect(el).toEqual({ name: 'A', attrs: { x: '1', y: '<&AB' }, children: [{ name: 'B', attrs: {}, children: [] }, 't>', '<raw>'] });
  });
  it.each([
    ['unclosed', '<A><B></A>'],
    ['mismatched', '<A></B>'],
    ['trailing', '<A/><B/>'],
    ['unknown entity', '<A>&nbsp;</A>'],
    ['doctype', '<!DOCTYPE x><A/>'],
    ['duplicate attribute', '<A x="1" x="2"/>'],
    ['empty', ''],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('parseTwiml', () => {
  it('reads what the twilio helper library writes', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say({ voice: 'alice' }, 'Hello & welcome');
    const g = r.gather({ numDigits: 2, action: '/next', timeout: 3 });
    g.say('Press two digits');
    r.pause({ length: 2 });
    const d = r.dial({ callerId: '+12025550100', answerOnBridge: true, timeout: 20, action: '/after' });
    d.client({ statusCallback: '/cb', statusCallbackEvent: ['ringing', 'answered'] }, 'bob');
    d.number('+1 202 555 0101');
    r.redirect({ method: 'GET' }, '/again');
    r.hangup();
    expect(parseTwiml(r.toString())).toEqual([
      { verb: 'Say', text: 'Hello & welcome', voice: 'alice', loop: 1 },
      { verb: 'Gather', action: '/next', method: 'POST', timeout: 3, numDigits: 2, finishOnKey: '#', actionOnEmptyResult: false, input: 'dtmf', prompts: [{ verb: 'Say', text: 'Press two digits', loop: 1 }] },
      { verb: 'Pause', length: 2 },
      {
        verb: 'Dial', callerId: '+12025550100', answerOnBridge: true, timeout: 20, timeLimit: 14400, action: '/after', method: 'POST', hangupOnStar: false,
        targets: [
          { kind: 'client', identity: 'bob', params: {}, statusCallback: { url: '/cb', method: 'POST', events: ['ringing', 'answered'] } },
          { kind: 'number', number: '+12025550101' },
        ],
      },
      { verb: 'Redirect', url: '/again', method: 'GET' },
      { verb: 'Hangup' },
    ]);
  });

  it('reads <Client><Identity> with <Parameter>s, bare <Dial> numbers, <Reject reason> and defaults', () => {
    expect(parseTwiml('<Response><Dial><Client><Identity>carol</Identity><Parameter name="ticket" value="42"/></Client></Dial></Response>'))
      .toEqual([{ verb: 'Dial', targets: [{ kind: 'client', identity: 'carol', params: { ticket: '42' } }], answerOnBridge: false, timeout: 30, timeLimit: 14400, method: 'POST', hangupOnStar: false }]);
    expect(parseTwiml('<Response><Dial>+12025550102</Dial></Response>')[0]).toMatchObject({ targets: [{ kind: 'number', number: '+12025550102' }] });
    expect(parseTwiml('<Response><Reject reason="busy"/><Reject/></Response>')).toEqual([{ verb: 'Reject', reason: 'busy' }, { verb: 'Reject', reason: 'rejected' }]);
    expect(parseTwiml('<Response><Gather/></Response>')[0]).toEqual({ verb: 'Gather', method: 'POST', timeout: 5, finishOnKey: '#', actionOnEmptyResult: false, input: 'dtmf', prompts: [] });
    expect(parseTwiml('<Response/>')).toEqual([]);
  });

  it('reads <Dial><Conference> with Twilio\'s defaults, as the twilio helper library writes it', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.dial({ action: '/left', hangupOnStar: true, timeLimit: 600 }).conference({
      beep: 'onEnter', startConferenceOnEnter: false, endConferenceOnExit: true, waitUrl: '/wait', muted: true,
      maxParticipants: 3, participantLabel: 'customer', statusCallback: '/conf', statusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold'],
      record: 'record-from-start',
    }, 'Room 1234');
    const [verb] = parseTwiml(r.toString());
    expect(verb).toMatchObject({ verb: 'Dial', targets: [], action: '/left', hangupOnStar: true, timeLimit: 600 });
    expect(verb).toHaveProperty('conference', {
      name: 'Room 1234', muted: true, beep: 'onEnter', startConferenceOnEnter: false, endConferenceOnExit: true,
      waitUrl: '/wait', waitMethod: 'POST', maxParticipants: 3, participantLabel: 'customer',
      statusCallback: '/conf', statusCallbackMethod: 'POST', statusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold'],
      ignored: ['record'],
    });
    expect(parseTwiml('<Response><Dial><Conference>r</Conference></Dial></Response>')[0]).toHaveProperty('conference', {
      name: 'r', muted: false, beep: 'true', startConferenceOnEnter: true, endConferenceOnExit: false, waitMethod: 'GET',
      maxParticipants: 250, statusCallbackMethod: 'POST', statusCallbackEvent: [], ignored: [],
    });
    expect(parseTwiml('<Response><Dial><Conference waitUrl="">r</Conference></Dial></Response>')[0]).toHaveProperty('conference.waitUrl', '');
  });

  it('an empty <Redirect/> loops only where a wait or hold document allows it', () => {
    expect(parseTwiml('<Response><Play>/m.wav</Play><Redirect/></Response>', { emptyRedirectLoops: true })[1])
      .toEqual({ verb: 'Redirect', url: '', method: 'POST' });
  });

  it('keeps real but unimplemented verbs so running them is a visible error', () => {
    expect(parseTwiml('<Response><Pay/><Say>x</Say></Response>')).toEqual([{ verb: 'Unsupported', name: 'Pay' }, { verb: 'Say', text: 'x', loop: 1 }]);
  });

  it('reads <Record> with Twilio\'s defaults, and every attribute the helper library writes', () => {
    expect(parseTwiml('<Response><Record/></Response>')).toEqual([{
      verb: 'Record', method: 'POST', timeout: 5, finishOnKey: '1234567890*#', maxLength: 3600, playBeep: true, trim: 'trim-silence', transcribe: false,
    }]);
    const r = new twilio.twiml.VoiceResponse();
    r.record({
      action: '/recorded', method: 'GET', timeout: 0, finishOnKey: '#', maxLength: 120, playBeep: false, trim: 'do-not-trim',
      recordingStatusCallback: '/rec', recordingStatusCallbackMethod: 'GET', recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
      transcribe: true,
    });
    expect(parseTwiml(r.toString())).toEqual([{
      verb: 'Record', action: '/recorded', method: 'GET', timeout: 0, finishOnKey: '#', maxLength: 120, playBeep: false, trim: 'do-not-trim',
      recordingStatusCallback: { url: '/rec', method: 'GET', events: ['in-progress', 'completed', 'absent'] }, transcribe: true,
    }]);
  });

  it.each([
    ['no callback events', '', { url: '/rec', method: 'POST', events: ['completed'] }, undefined],
    ['an unknown event beside a known one', 'absent finished', { url: '/rec', method: 'POST', events: ['absent'] }, ['finished']],
    ['only unknown events', 'finished', { url: '/rec', method: 'POST', events: [] }, ['finished']],
  ])('reads recordingStatusCallbackEvent with %s', (_name, events, callback, ignored) => {
    const attr = events ? ` recordingStatusCallbackEvent="${events}"` : '';
    const [verb] = parseTwiml(`<Response><Record recordingStatusCallback="/rec"${attr}/></Response>`);
    expect(verb).toMatchObject({ recordingStatusCallback: callback });
    expect((verb as { ignoredEvents?: string[] }).ignoredEvents).toEqual(ignored);
  });

  it.each([
    ['0', undefined], ['-1', undefined], ['99999', 14400], ['7', 7],
  ])('takes maxLength="%s" as Twilio does (%s)', (value, expected) => {
    const read = () => parseTwiml(`<Response><Record maxLength="${value}"/></Response>`)[0];
    if (expected === undefined) expect(read).toThrow(TwimlError);
    else expect(read()).toMatchObject({ maxLength: expected });
  });

  it.each([
    ['not XML', 'hello'],
    ['wrong root', '<Foo/>'],
    ['unknown verb', '<Response><Dance/></Response>'],
    ['bad method', '<Response><Redirect method="PUT">/x</Redirect></Response>'],
    ['bad timeout', '<Response><Dial timeout="soon">+1</Dial></Response>'],
    ['empty dial', '<Response><Dial></Dial></Response>'],
    ['Dial Sip', '<Response><Dial><Sip>sip:a@b</Sip></Dial></Response>'],
    ['verb inside Gather', '<Response><Gather><Dial>+1</Dial></Gather></Response>'],
    ['empty redirect', '<Response><Redirect/></Response>'],
    ['Conference with a Number', '<Response><Dial><Conference>r</Conference><Number>+12025550101</Number></Dial></Response>'],
    ['Conference without a name', '<Response><Dial><Conference> </Conference></Dial></Response>'],
    ['Conference bad beep', '<Response><Dial><Conference beep="loud">r</Conference></Dial></Response>'],
    ['Conference bad event', '<Response><Dial><Conference statusCallbackEvent="start ringing">r</Conference></Dial></Response>'],
    ['Conference too big', '<Response><Dial><Conference maxParticipants="251">r</Conference></Dial></Response>'],
    ['Record with a bad finishOnKey', '<Response><Record finishOnKey="a"/></Response>'],
    ['Record with a bad trim', '<Response><Record trim="some"/></Response>'],
    ['Record with a bad timeout', '<Response><Record timeout="-1"/></Response>'],
  ])('refuses %s with a TwimlError', (_name, xml) => {
    expect(() => parseTwiml(xml)).toThrow(TwimlError);
  });
});
