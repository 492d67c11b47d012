/**
 * Simulated phones texting the account's numbers: the signed messaging webhook and its parameters,
 * pictures and the REST media resource behind Basic auth, <Message> replies, opt-out keywords, and
 * Unicode bodies that come back byte for byte.
 */
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, AUTH, KEY, messagingHarnessForFile, POOL_NUMBER, SERVICE, startMessagingHarness, TEAM, until, type Hit } from '../../test-support/messaging-harness';
import { DEFAULT_PHONE_NUMBERS as PHONES } from '../phones/defaults';
import { jpegPicture, pngPicture } from './pictures';
import { segmentInfo } from './segments';

const h = messagingHarnessForFile((path) => path === '/pic.png' ? { body: pngPicture('reply'), type: 'image/png' } : { body: '<Response/>', type: 'text/xml' });

const webhooks = (path = '/sms'): Hit[] => h.hits.filter((x) => x.path === path);
const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const reply = (twiml: twilio.twiml.MessagingResponse) => ({ body: twiml.toString(), type: 'text/xml' });

describe('a phone texts the team number', () => {
  it('the number\'s SMS URL gets a signed POST with Twilio\'s parameters, and the message is in the REST log', async () => {
    const sent = await h.text(PHONES.manual, { to: TEAM, body: 'Hi, is the shop open?' });
    expect(sent).toMatchObject({ replies: [], error: null, autoReply: null, numSegments: 1, numMedia: 0 });
    const [hit] = webhooks();
    expect(hit).toMatchObject({ method: 'POST', signatureOk: true });
    expect(hit!.params).toEqual({
      AccountSid: ACCOUNT, ApiVersion: '2010-04-01', Body: 'Hi, is the shop open?', From: PHONES.manual, To: TEAM,
      MessageSid: sent.messageSid, SmsSid: sent.messageSid, SmsMessageSid: sent.messageSid, SmsStatus: 'received',
      NumMedia: '0', NumSegments: '1', ReferralNumMedia: '0',
      FromCountry: 'US', FromState: '', FromCity: '', FromZip: '', ToCountry: 'US', ToState: '', ToCity: '', ToZip: '',
    });
    expect(sent.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
    const record = await h.client().messages(sent.messageSid).fetch();
    expect(record).toMatchObject({ direction: 'inbound', status: 'received', from: PHONES.manual, to: TEAM, body: 'Hi, is the shop open?', numSegments: '1' });
    expect(record.dateSent).toBeInstanceOf(Date);
    expect((await h.phone(PHONES.manual)).messages.find((m) => m.sid === sent.messageSid)).toMatchObject({ direction: 'sent', to: TEAM, status: 'received' });
  });

  it('a number in a Messaging Service names it; a failing or malformed answer is reported', async () => {
    await h.text(PHONES.manual, { to: POOL_NUMBER, body: 'pool' });
    expect(webhooks('/pool-sms')[0]!.params.MessagingServiceSid).toBe(SERVICE);
    h.respond = () => ({ status: 500, body: 'oops', type: 'text/plain' });
    const failed = await h.text(PHONES.manual, { to: TEAM, body: 'anyone?' });
    expect(failed.error).toMatch(/^11200 /);
    expect((await h.control<{ errorCode: number }>('GET', `/messages/${failed.messageSid}`)).body.errorCode).toBe(11200);
    h.respond = () => ({ body: 'OK thanks', type: 'text/plain' });
    expect((await h.text(PHONES.manual, { to: TEAM, body: 'again' })).error).toMatch(/^12100 /);
  });

  it('<Message> replies go back to the phone, with their media and their action as status callback', async () => {
    h.respond = (path) => {
      if (path === '/pic.png') return { body: pngPicture('reply'), type: 'image/png' };
      if (path !== '/sms') return { body: '' };
      const twiml = new twilio.twiml.MessagingResponse();
      const message = twiml.message({ action: '/reply-status' }, '');
      message.body('返信です 😀');
      message.media('/pic.png');
      twiml.message('and a second one');
      return reply(twiml);
    };
    const sent = await h.text(PHONES.echo, { to: TEAM, body: 'photo please' });
    expect(sent.replies).toEqual(['返信です 😀', 'and a second one']);
    const inbox = await until(async () => {
      const messages = (await h.phone(PHONES.echo)).messages.filter((m) => m.direction === 'received' && m.from === TEAM);
      return messages.filter((m) => m.status === 'delivered').length >= 2 ? messages : null;
    }, 'both replies delivered');
    const withPicture = inbox.find((m) => m.body === '返信です 😀')!;
    expect(withPicture.media).toMatchObject([{ contentType: 'image/png' }]);
    await until(() => webhooks('/reply-status').length === 3, 'reply status callbacks');
    expect(webhooks('/reply-status').map((x) => [x.params.MessageStatus, x.signatureOk])).toEqual([['sending', true], ['sent', true], ['delivered', true]]);
    expect((await h.client().messages(withPicture.sid).fetch()).direction).toBe('outbound-reply');
  });

  it('a number with no SMS URL takes the text and says so', async () => {
    const other = await startMessagingHarness({ numbers: [{ phoneNumber: TEAM }] });
    try {
      expect((await other.text(PHONES.manual, { to: TEAM, body: 'hello' })).error).toBe(`${TEAM} has no SMS URL configured`);
    } finally {
      await other.close();
    }
  });

  it('between two phones the text goes straight across, outside the account', async () => {
    const sent = await h.text(PHONES.manual, { to: PHONES.echo, body: 'phone to phone' });
    expect((await h.phone(PHONES.echo)).messages.find((m) => m.sid === sent.messageSid)).toMatchObject({ direction: 'received', from: PHONES.manual, status: 'delivered' });
    await expect(h.client().messages(sent.messageSid).fetch()).rejects.toMatchObject({ status: 404 });
    expect(webhooks()).toEqual([]);
  });
});

describe('picture messages from a phone', () => {
  it('MediaUrl{N} and MediaContentType{N} name the REST media resource, served behind Basic auth by a redirect', async () => {
    const extra = Buffer.from('BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\n');
    const sent = await h.text(PHONES.manual, { to: TEAM, body: '', picture: 'png', media: [{ contentType: 'text/vcard', base64: extra.toString('base64') }] });
    expect(sent).toMatchObject({ numMedia: 2, numSegments: 1 });
    expect(sent.messageSid).toMatch(/^MM[0-9a-f]{32}$/);
    const params = webhooks()[0]!.params;
    expect(params).toMatchObject({ NumMedia: '2', Body: '', MediaContentType0: 'image/png', MediaContentType1: 'text/vcard', MessageSid: sent.messageSid });
    const base = `${h.origin}/2010-04-01/Accounts/${ACCOUNT}/Messages/${sent.messageSid}/Media/`;
    expect(params.MediaUrl0).toMatch(new RegExp(`^${base.replace(/[.?+]/g, '\\$&')}ME[0-9a-f]{32}$`));

    const auth = basic(ACCOUNT, AUTH);
    const redirect = await fetch(params.MediaUrl0!, { headers: auth, redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toMatch(/^\/emulator\/media-content\/ME[0-9a-f]{32}\?Expires=\d+&Signature=/);
    const picture = await fetch(params.MediaUrl0!, { headers: auth });
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await picture.arrayBuffer()).equals(pngPicture(PHONES.manual))).toBe(true);
    const card = await fetch(params.MediaUrl1!, { headers: basic(KEY.sid, KEY.secret) });
    expect(Buffer.from(await card.arrayBuffer()).equals(extra)).toBe(true);

    const anonymous = await fetch(params.MediaUrl0!);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 20003 });
    expect((await fetch(params.MediaUrl0!, { headers: basic(ACCOUNT, 'wrong') })).status).toBe(401);
    const forged = new URL(redirect.headers.get('location')!, h.origin);
    forged.searchParams.set('Signature', 'x' + forged.searchParams.get('Signature')!.slice(1));
    expect((await fetch(forged)).status).toBe(403);
    const missing = await fetch(`${base}ME${'0'.repeat(32)}`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 20404 });
    expect((await fetch(params.MediaUrl0!.replace(ACCOUNT, 'AC' + '0'.repeat(32)), { headers: auth })).status).toBe(404);
  });

  it('the Media resource through the library: list, fetch, delete', async () => {
    const sent = await h.text(PHONES.echo, { to: TEAM, body: 'see', picture: 'jpeg' });
    const c = h.client();
    const [item] = await c.messages(sent.messageSid).media.list();
    expect(item).toMatchObject({ accountSid: ACCOUNT, parentSid: sent.messageSid, contentType: 'image/jpeg' });
    expect(item!.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages/${sent.messageSid}/Media/${item!.sid}.json`);
    expect((await c.messages(sent.messageSid).media(item!.sid).fetch()).dateCreated).toBeInstanceOf(Date);
    const bytes = await fetch(webhooks()[0]!.params.MediaUrl0!, { headers: basic(ACCOUNT, AUTH) });
    expect(Buffer.from(await bytes.arrayBuffer()).equals(jpegPicture(PHONES.echo))).toBe(true);
    expect(await c.messages(sent.messageSid).media(item!.sid).remove()).toBe(true);
    await expect(c.messages(sent.messageSid).media(item!.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(c.messages('MM' + '0'.repeat(32)).media.list()).rejects.toMatchObject({ status: 404 });
    expect((await h.control('GET', `/media/${item!.sid}`)).status).toBe(404);
  });
});

describe('opt-out keywords, as Twilio handles them by default', () => {
  it('STOP reaches the webhook, is answered by Twilio, refuses further texts with 21610 until START', async () => {
    const c = h.client();
    h.respond = () => {
      const r = new twilio.twiml.MessagingResponse();
      r.message('Sorry to see you go');
      return reply(r);
    };
    const stop = await h.text(PHONES.tone, { to: TEAM, body: 'Stop' });
    expect(webhooks()[0]!.params).toMatchObject({ Body: 'Stop', OptOutType: 'STOP' });
    expect(stop.autoReply).toMatch(/unsubscribed/);
    expect(stop.replies).toEqual([]);
    expect(stop.error).toMatch(/21610/);
    await until(async () => (await h.phone(PHONES.tone)).messages.some((m) => m.from === TEAM && m.body === stop.autoReply && m.status === 'delivered'), 'the confirmation');
    expect((await h.phone(PHONES.tone)).optedOutOf).toEqual([TEAM]);
    await expect(c.messages.create({ to: PHONES.tone, from: TEAM, body: 'one more?' })).rejects.toMatchObject({ status: 400, code: 21610 });

    h.respond = () => ({ body: '<Response/>' });
    const help = await h.text(PHONES.tone, { to: TEAM, body: 'HELP' });
    expect(help.autoReply).toMatch(/Reply STOP/);
    expect(webhooks().at(-1)!.params.OptOutType).toBe('HELP');
    expect((await h.phone(PHONES.tone)).optedOutOf).toEqual([TEAM]);
    const start = await h.text(PHONES.tone, { to: TEAM, body: 'START' });
    expect(webhooks().at(-1)!.params.OptOutType).toBe('START');
    expect(start.autoReply).toMatch(/re-subscribed/);
    expect((await h.phone(PHONES.tone)).optedOutOf).toEqual([]);
    await expect(c.messages.create({ to: PHONES.tone, from: TEAM, body: 'welcome back' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('a STOP to a number of a Messaging Service stops the whole service', async () => {
    const c = h.client();
    await h.text(PHONES.busy, { to: POOL_NUMBER, body: 'STOP' });
    expect((await h.phone(PHONES.busy)).optedOutOf).toEqual([SERVICE]);
    await expect(c.messages.create({ to: PHONES.busy, from: POOL_NUMBER, body: 'x' })).rejects.toMatchObject({ code: 21610 });
    // Through the service, Twilio accepts and then fails the message.
    const late = await c.messages.create({ to: PHONES.busy, messagingServiceSid: SERVICE, body: 'x' });
    expect(late.status).toBe('accepted');
    await until(async () => (await c.messages(late.sid).fetch()).status === 'failed', 'failed');
    expect((await c.messages(late.sid).fetch()).errorCode).toBe(21610);
    await expect(c.messages.create({ to: PHONES.busy, from: TEAM, body: 'other number, not in the service' })).resolves.toBeTruthy();
    await h.text(PHONES.busy, { to: POOL_NUMBER, body: 'start' });
  });
});

describe('Unicode bodies round-trip byte for byte', () => {
  const bodies = [
    ['Japanese', 'こんにちは、予約を変更できますか？明日の午後３時はいかがでしょう。'],
    ['Russian', 'Здравствуйте! Можно перенести встречу на завтра?'],
    ['emoji with joiners and skin tones', 'Thanks 👍🏽👨‍👩‍👧‍👦🇯🇵 see you'],
    ['GSM-7 extension characters', 'Price: 10€ [approx] {a|b} ~x^2 \\ done'],
    ['line breaks, tabs, combining marks', 'line 1\r\nline 2\n\tcafe\u0301 — “quoted” & <tag>'],
  ];

  it.each(bodies)('%s: phone → webhook → REST, and REST → phone, and a TwiML echo', async (_name, body) => {
    h.respond = (path, params) => {
      if (path !== '/sms') return { body: '' };
      const r = new twilio.twiml.MessagingResponse();
      r.message(params.Body ?? '');
      return reply(r);
    };
    const sent = await h.text(PHONES.echo, { to: TEAM, body });
    const hit = webhooks().at(-1)!;
    expect(Buffer.from(hit.params.Body!, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(hit.params.NumSegments).toBe(String(segmentInfo(body).segments));
    expect(hit.signatureOk).toBe(true);
    const c = h.client();
    expect((await c.messages(sent.messageSid).fetch()).body).toBe(body);
    const echoed = body.trim();
    expect(sent.replies).toEqual([echoed]);

    const out = await c.messages.create({ to: PHONES.manual, from: TEAM, body });
    expect(out.body).toBe(body);
    expect(out.numSegments).toBe(String(segmentInfo(body).segments));
    const arrived = await until(async () => (await h.phone(PHONES.manual)).messages.find((m) => m.sid === out.sid), 'the text on the phone');
    expect(Buffer.from(arrived.body, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    const echo = await until(async () => (await h.phone(PHONES.echo)).messages.find((m) => m.direction === 'received' && m.from === TEAM && m.body === echoed), 'the echo');
    expect(echo.body).toBe(echoed);
  });
});
