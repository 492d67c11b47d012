/** Table tests of the pure parts of messaging: keywords, delivery plans, replies, webhook parameters, pictures. */
import { inflateSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dateSentFilter } from '../rest/messages';
import { deliveryPlan } from './delivery';
import { KEYWORD_REPLIES, OptOuts, optOutType } from './keywords';
import { inboundParams, messageStatusParams } from './params';
import { jpegPicture, PICTURE_HEIGHT, PICTURE_WIDTH, pngPicture } from './pictures';
import { messagingTwiml } from './twiml';

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'STOP'], ['stop', 'STOP'], ['  Stop \n', 'STOP'], ['STOPALL', 'STOP'], ['unsubscribe', 'STOP'], ['CANCEL', 'STOP'],
    ['END', 'STOP'], ['QUIT', 'STOP'], ['START', 'START'], ['yes', 'START'], ['UNSTOP', 'START'], ['HELP', 'HELP'], ['info', 'HELP'],
    ['stop please', null], ['STOP!', null], ['Please stop', null], ['', null], ['ストップ', null],
  ])('%j → %s', (body, type) => {
    expect(optOutType(body)).toBe(type);
  });

  it('STOP opts a recipient out of one sender, START back in, HELP changes nothing', () => {
    const o = new OptOuts();
    o.apply('STOP', '+12025550100', '+12025550101');
    expect(o.has('+12025550100', '+12025550101')).toBe(true);
    expect(o.has('+12025550199', '+12025550101')).toBe(false);
    o.apply('HELP', '+12025550100', '+12025550101');
    expect(o.sendersStoppedBy('+12025550101')).toEqual(['+12025550100']);
    o.apply('START', '+12025550100', '+12025550101');
    expect(o.has('+12025550100', '+12025550101')).toBe(false);
    expect(KEYWORD_REPLIES.STOP).toMatch(/unsubscribed/);
  });
});

describe('delivery plans', () => {
  const delays = { sending: 1, sent: 2, delivered: 3 };
  const plan = (d: Parameters<typeof deliveryPlan>[0]) => deliveryPlan(d, delays).map((s) => [s.status, s.afterMs, s.errorCode, s.reachesPhone]);
  it.each([
    ['delivered', [['sending', 1, null, false], ['sent', 2, null, false], ['delivered', 3, null, true]]],
    ['unconfirmed', [['sending', 1, null, false], ['sent', 2, null, true]]],
    ['unreachable', [['sending', 1, null, false], ['sent', 2, null, false], ['undelivered', 3, 30003, false]]],
    ['landline', [['sending', 1, null, false], ['failed', 2, 30006, false]]],
    ['unregistered', [['sending', 1, null, false], ['failed', 2, 30034, false]]],
  ] as const)('%s', (delivery, steps) => {
    expect(plan(delivery)).toEqual(steps);
  });
});

describe('messaging TwiML replies', () => {
  it.each([
    ['empty answer', '', []],
    ['empty Response', '<Response/>', []],
    ['text in Message', '<Response><Message>Thanks!</Message></Response>', [{ body: 'Thanks!', media: [], method: 'POST' }]],
    ['Body and Media', '<Response><Message><Body> ありがとう </Body><Media>https://x.test/a.png</Media><Media>/b.jpg</Media></Message></Response>',
      [{ body: 'ありがとう', media: ['https://x.test/a.png', '/b.jpg'], method: 'POST' }]],
    ['attributes', '<Response><Message to="+12025550102" from="+12025550100" action="/status" method="get">Hi</Message></Response>',
      [{ body: 'Hi', media: [], to: '+12025550102', from: '+12025550100', action: '/status', method: 'GET' }]],
    ['statusCallback attribute', '<Response><Message statusCallback="https://x.test/s">Hi</Message></Response>',
      [{ body: 'Hi', media: [], action: 'https://x.test/s', method: 'POST' }]],
    ['two replies, entities', '<Response><Message>a &amp; b</Message><Message>&#x1F600;</Message></Response>',
      [{ body: 'a & b', media: [], method: 'POST' }, { body: '😀', media: [], method: 'POST' }]],
  ])('%s', (_name, twiml, replies) => {
    expect(messagingTwiml(twiml)).toEqual({ replies, unsupported: [] });
  });

  it('reports what it does not run and refuses what is not TwiML', () => {
    expect(messagingTwiml('<Response><Redirect>/next</Redirect><Message>x</Message></Response>').unsupported).toEqual(['Redirect']);
    expect(() => messagingTwiml('OK')).toThrow();
    expect(() => messagingTwiml('<Reply/>')).toThrow(/Response/);
  });
});

describe('webhook parameters', () => {
  const facts = { sid: 'SM1', accountSid: 'AC1', from: '+12025550100', to: '+12025550101', messagingServiceSid: null };
  it.each([
    ['sending', null, {}],
    ['sent', null, {}],
    ['delivered', null, { RawDlrDoneDate: '2401020304' }],
    ['undelivered', 30003, { ErrorCode: '30003', RawDlrDoneDate: '2401020304' }],
    ['failed', 30006, { ErrorCode: '30006' }],
  ] as const)('status callback for %s', (status, code, extra) => {
    expect(messageStatusParams(facts, status, code, new Date('2024-01-02T03:04:05Z'))).toEqual({
      AccountSid: 'AC1', ApiVersion: '2010-04-01', From: '+12025550100', To: '+12025550101',
      MessageSid: 'SM1', SmsSid: 'SM1', MessageStatus: status, SmsStatus: status, ...extra,
    });
  });

  it('status callbacks name the Messaging Service', () => {
    expect(messageStatusParams({ ...facts, messagingServiceSid: 'MG1' }, 'sent', null, new Date()).MessagingServiceSid).toBe('MG1');
  });

  it('an inbound text with two pictures, an opt-out keyword and a service', () => {
    const p = inboundParams({
      sid: 'MM1', accountSid: 'AC1', from: '+819012345678', to: '+12025550100', body: 'STOP', numSegments: 1,
      media: [{ url: 'https://e.test/m0', contentType: 'image/png' }, { url: 'https://e.test/m1', contentType: 'image/jpeg' }],
      messagingServiceSid: 'MG1', optOutType: 'STOP',
    });
    expect(p).toMatchObject({
      MessageSid: 'MM1', SmsSid: 'MM1', SmsMessageSid: 'MM1', AccountSid: 'AC1', ApiVersion: '2010-04-01', SmsStatus: 'received',
      From: '+819012345678', FromCountry: 'JP', To: '+12025550100', ToCountry: 'US', Body: 'STOP', NumSegments: '1', NumMedia: '2',
      MediaUrl0: 'https://e.test/m0', MediaContentType0: 'image/png', MediaUrl1: 'https://e.test/m1', MediaContentType1: 'image/jpeg',
      MessagingServiceSid: 'MG1', OptOutType: 'STOP', FromCity: '', FromState: '', FromZip: '',
    });
    const plain = inboundParams({ ...{ sid: 'SM2', accountSid: 'AC1', from: '+12025550101', to: '+12025550100', body: 'hi', numSegments: 1 }, media: [], messagingServiceSid: null, optOutType: null });
    expect(Object.keys(plain).filter((k) => /Media|OptOut|MessagingService/.test(k))).toEqual(['NumMedia', 'ReferralNumMedia']);
  });
});

describe('DateSent filters', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    [{}, '2024-05-01T10:00:00Z', true],
    [{}, null, true],
    [{ DateSent: '2024-05-01' }, '2024-05-01T23:59:59Z', true],
    [{ DateSent: '2024-05-01' }, '2024-05-02T00:00:00Z', false],
    [{ DateSent: '2024-05-01T00:00:00Z' }, '2024-05-01T12:00:00Z', true],
    [{ 'DateSent<': '2024-05-01' }, '2024-05-01T23:00:00Z', true],
    [{ 'DateSent<': '2024-05-01' }, '2024-05-02T00:00:00Z', false],
    [{ 'DateSent>': '2024-05-01' }, '2024-05-01T00:00:00Z', true],
    [{ 'DateSent>': '2024-05-01T12:00:00Z' }, '2024-05-01T11:59:59Z', false],
    [{ 'DateSent>': '2024-05-01' }, null, false],
  ])('%j on %s → %s', (query, sent, matches) => {
    expect(dateSentFilter(query)(sent ? at(sent) : null)).toBe(matches);
  });
});

describe('pictures a phone sends', () => {
  it('a PNG: signature, header, CRCs and rows of RGB', () => {
    const png = pngPicture('+12025550102');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length;) {
      const len = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + len);
      expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
      chunks.push({ type, data });
      at += 12 + len;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([chunks[0]!.data.readUInt32BE(0), chunks[0]!.data.readUInt32BE(4)]).toEqual([PICTURE_WIDTH, PICTURE_HEIGHT]);
    expect(inflateSync(chunks[1]!.data).length).toBe(PICTURE_HEIGHT * (1 + PICTURE_WIDTH * 3));
  });

  it('a baseline JPEG: markers in order, 3 components, the right size', () => {
    const jpg = jpegPicture('+12025550102');
    expect([...jpg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpg.subarray(-2)]).toEqual([0xff, 0xd9]);
    const markers: number[] = [];
    for (let at = 2; jpg[at] === 0xff && jpg[at + 1] !== 0xd9;) {
      markers.push(jpg[at + 1]!);
      if (jpg[at + 1] === 0xda) break;
      at += 2 + jpg.readUInt16BE(at + 2);
    }
    expect(markers).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xda]);
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    expect([jpg.readUInt16BE(sof + 5), jpg.readUInt16BE(sof + 7), jpg[sof + 9]]).toEqual([PICTURE_HEIGHT, PICTURE_WIDTH, 3]);
  });

  it('differs from phone to phone', () => {
    expect(pngPicture('+12025550101').equals(pngPicture('+12025550102'))).toBe(false);
    expect(jpegPicture('+12025550101').equals(jpegPicture('+12025550102'))).toBe(false);
  });
});
