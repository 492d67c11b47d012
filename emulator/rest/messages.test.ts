/** The Messages API through the `twilio` library: shapes, refusals, status callbacks, special numbers, lists and media to send. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_NUMBERS as PHONES } from '../phones/defaults';
import { pngPicture } from '../messages/pictures';
import { ACCOUNT, KEY, messagingHarnessForFile, POOL_NUMBER, SERVICE, TEAM, until, type Hit } from '../../test-support/messaging-harness';

const h = messagingHarnessForFile((path) => path === '/pic.png' ? { body: pngPicture('sent'), type: 'image/png' }
  : path === '/page.html' ? { body: '<html></html>', type: 'text/html' }
    : path === '/gone.png' ? { status: 404, body: 'gone', type: 'text/plain' }
      : { body: '<Response/>', type: 'text/xml' });

const callbacksFor = (sid: string): Hit[] => h.hits.filter((x) => x.path === '/status' && x.params.MessageSid === sid);
const statusesOf = (sid: string) => callbacksFor(sid).map((x) => x.params.MessageStatus);
const inboxOf = async (number: string) => (await h.phone(number)).messages;

describe('sending a message', () => {
  it('answers with Twilio\'s shape and moves queued → sending → sent → delivered, a signed callback for each change', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.manual, from: TEAM, body: 'Your code is 1234', statusCallback: `${h.appOrigin}/status` });
    expect(msg).toMatchObject({
      accountSid: ACCOUNT, apiVersion: '2010-04-01', body: 'Your code is 1234', direction: 'outbound-api', from: TEAM, to: PHONES.manual,
      status: 'queued', numSegments: '1', numMedia: '0', price: null, priceUnit: 'USD', errorCode: null, errorMessage: null,
      messagingServiceSid: null, dateSent: null, uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${msg.sid}.json`,
      subresourceUris: { media: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${msg.sid}/Media.json`, feedback: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${msg.sid}/Feedback.json` },
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.dateCreated).toBeInstanceOf(Date);
    await until(() => statusesOf(msg.sid).length === 3, 'three status callbacks');
    // No callback for the status a message is created with, as Twilio documents.
    expect(statusesOf(msg.sid)).toEqual(['sending', 'sent', 'delivered']);
    for (const hit of callbacksFor(msg.sid)) {
      expect(hit.signatureOk).toBe(true);
      expect(hit.method).toBe('POST');
      expect(hit.params).toMatchObject({
        MessageSid: msg.sid, SmsSid: msg.sid, SmsStatus: hit.params.MessageStatus, AccountSid: ACCOUNT, From: TEAM, To: PHONES.manual, ApiVersion: '2010-04-01',
      });
      expect(hit.params.ErrorCode).toBeUndefined();
    }
    expect(callbacksFor(msg.sid)[2]!.params.RawDlrDoneDate).toMatch(/^\d{10}$/);
    const fetched = await c.messages(msg.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
    const copy = (await inboxOf(PHONES.manual)).find((m) => m.sid === msg.sid);
    expect(copy).toMatchObject({ direction: 'received', from: TEAM, body: 'Your code is 1234', status: 'delivered', errorCode: null, media: [] });
  });

  it.each([
    ['unreachable', PHONES.unreachable, ['sending', 'sent', 'undelivered'], 'undelivered', 30003, 'Unreachable destination handset'],
    ['landline', PHONES.landline, ['sending', 'failed'], 'failed', 30006, 'Landline or unreachable carrier'],
    ['unregistered A2P 10DLC', PHONES.unregistered, ['sending', 'failed'], 'failed', 30034, 'Message from an unregistered number'],
  ])('%s (%s): ends with its code, in the resource and the last callback; the phone never gets it', async (_n, to, statuses, final, code, text) => {
    const c = h.client();
    const msg = await c.messages.create({ to, from: TEAM, body: 'Hello', statusCallback: `${h.appOrigin}/status` });
    await until(() => statusesOf(msg.sid).length === statuses.length, `${statuses.length} callbacks`);
    await new Promise((r) => setTimeout(r, 60));
    expect(statusesOf(msg.sid)).toEqual(statuses);
    const last = callbacksFor(msg.sid).at(-1)!;
    expect(last.params).toMatchObject({ MessageStatus: final, ErrorCode: String(code) });
    expect(callbacksFor(msg.sid).slice(0, -1).every((x) => x.params.ErrorCode === undefined)).toBe(true);
    expect(await c.messages(msg.sid).fetch()).toMatchObject({ status: final, errorCode: code, errorMessage: text });
    expect((await inboxOf(to)).some((m) => m.sid === msg.sid)).toBe(false);
  });

  it('a number without delivery receipts stays sent, and its phone has the text', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.unconfirmed, from: TEAM, body: 'Anyone there?', statusCallback: `${h.appOrigin}/status` });
    await until(() => statusesOf(msg.sid).length === 2, 'two callbacks');
    await new Promise((r) => setTimeout(r, 100));
    expect(statusesOf(msg.sid)).toEqual(['sending', 'sent']);
    expect((await c.messages(msg.sid).fetch()).status).toBe('sent');
    expect((await inboxOf(PHONES.unconfirmed)).find((m) => m.sid === msg.sid)?.status).toBe('sent');
  });

  it('a phone\'s delivery can be changed through the control API', async () => {
    const number = '+12025550161';
    await h.control('POST', '/phones', { number, name: 'Flaky', behaviour: { kind: 'manual' }, sms: { delivery: 'landline' } });
    const c = h.client();
    const first = await c.messages.create({ to: number, from: TEAM, body: 'one' });
    await until(async () => (await c.messages(first.sid).fetch()).status === 'failed', 'failed');
    const changed = await h.control<{ sms: { delivery: string } }>('POST', `/phones/${encodeURIComponent(number)}/sms-delivery`, { delivery: 'delivered' });
    expect(changed).toMatchObject({ status: 200, body: { sms: { delivery: 'delivered' } } });
    const second = await c.messages.create({ to: number, from: TEAM, body: 'two' });
    await until(async () => (await c.messages(second.sid).fetch()).status === 'delivered', 'delivered');
    const bad = await h.control<{ error: string }>('POST', `/phones/${encodeURIComponent(number)}/sms-delivery`, { delivery: 'lost' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'delivery must be delivered, unreachable, landline, unconfirmed or unregistered' } });
  });

  it('counts segments as carriers do', async () => {
    const c = h.client();
    const cases: [string, string][] = [['a'.repeat(160), '1'], ['a'.repeat(161), '2'], ['€'.repeat(81), '2'], ['あ'.repeat(70), '1'], ['あ'.repeat(71), '2'], ['😀'.repeat(36), '2']];
    for (const [body, segments] of cases) {
      expect((await c.messages.create({ to: PHONES.echo, from: TEAM, body })).numSegments, body.slice(0, 3)).toBe(segments);
    }
  });

  it('refuses what Twilio refuses, with its codes', async () => {
    const c = h.client();
    const refused = (p: Parameters<typeof c.messages.create>[0]) => c.messages.create(p);
    await expect(refused({ to: PHONES.echo, from: '+19995550000', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21606 });
    await expect(refused({ to: PHONES.echo, from: 'Acme', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21212 });
    await expect(refused({ to: PHONES.echo, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21603 });
    await expect(refused({ to: '555-0101', from: TEAM, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(refused({ to: PHONES.echo, from: TEAM })).rejects.toMatchObject({ status: 400, code: 21619 });
    await expect(refused({ to: PHONES.echo, from: TEAM, body: 'x'.repeat(1601) })).rejects.toMatchObject({ status: 400, code: 21617 });
    await expect(refused({ to: PHONES.echo, from: TEAM, body: 'あ'.repeat(1600) })).resolves.toMatchObject({ numSegments: '24' });
    await expect(refused({ to: TEAM, from: TEAM, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21266 });
    await expect(refused({ to: POOL_NUMBER, from: TEAM, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21612 });
    await expect(refused({ to: PHONES.echo, from: TEAM, mediaUrl: ['not a url'] })).rejects.toMatchObject({ status: 400, code: 21620 });
    await expect(refused({ to: PHONES.echo, from: TEAM, body: 'x', statusCallback: '/relative' })).rejects.toMatchObject({ status: 400, code: 21609 });
    await expect(refused({ to: PHONES.echo, messagingServiceSid: 'MG' + '0'.repeat(32), body: 'x' })).rejects.toMatchObject({ status: 400, code: 21701 });
    const err = await refused({ to: PHONES.echo, from: '+19995550000', body: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ moreInfo: 'https://www.twilio.com/docs/errors/21606' });
    expect(String((err as Error).message)).toMatch(/not a valid, SMS-capable inbound phone number/);
  });

  it('a Messaging Service accepts first, then picks its number: accepted → queued → sending → sent → delivered', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.echo, messagingServiceSid: SERVICE, body: 'From the pool', statusCallback: `${h.appOrigin}/status` });
    expect(msg).toMatchObject({ status: 'accepted', from: null, messagingServiceSid: SERVICE, numSegments: '0' });
    await until(() => statusesOf(msg.sid).length === 4, 'four callbacks');
    expect(statusesOf(msg.sid)).toEqual(['queued', 'sending', 'sent', 'delivered']);
    expect(callbacksFor(msg.sid)[0]!.params).toMatchObject({ From: POOL_NUMBER, MessagingServiceSid: SERVICE });
    expect(await c.messages(msg.sid).fetch()).toMatchObject({ from: POOL_NUMBER, numSegments: '1', status: 'delivered' });
  });
});

describe('listing, fetching, redacting and deleting', () => {
  it('lists newest first with the To/From filters, across pages, as the library pages', async () => {
    const c = h.client(KEY.sid, KEY.secret);
    const to = '+12025550171';
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await c.messages.create({ to, from: TEAM, body: `n${i}` })).sid);
    const listed = await c.messages.list({ to, pageSize: 2 });
    expect(listed.map((m) => m.sid)).toEqual([...sent].reverse());
    const page = await c.messages.page({ to, pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    expect(page.nextPageUrl).toContain('To=%2B12025550171');
    expect((await c.messages.list({ from: TEAM, to, limit: 3 })).length).toBe(3);
    expect(await c.messages.list({ from: '+12025550172' })).toEqual([]);
  });

  it('filters by the day a message was sent', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: '+12025550173', from: TEAM, body: 'dated' });
    await until(async () => (await c.messages(msg.sid).fetch()).dateSent !== null, 'sent');
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    const tomorrow = new Date(today.getTime() + 86_400_000);
    expect((await c.messages.list({ to: '+12025550173', dateSentAfter: today })).map((m) => m.sid)).toEqual([msg.sid]);
    expect(await c.messages.list({ to: '+12025550173', dateSentAfter: tomorrow })).toEqual([]);
    expect((await c.messages.list({ to: '+12025550173', dateSentBefore: tomorrow })).map((m) => m.sid)).toEqual([msg.sid]);
  });

  it('deletes only once delivery is over, and redacts with an empty body', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.echo, from: TEAM, body: 'secret 4321' });
    await expect(c.messages(msg.sid).remove()).rejects.toMatchObject({ status: 400, code: 20009 });
    await until(async () => (await c.messages(msg.sid).fetch()).status === 'delivered', 'delivered');
    expect((await c.messages(msg.sid).update({ body: '' })).body).toBe('');
    await expect(c.messages(msg.sid).update({ status: 'canceled' })).rejects.toMatchObject({ code: 30409 });
    expect(await c.messages(msg.sid).remove()).toBe(true);
    await expect(c.messages(msg.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(c.messages('SM' + '0'.repeat(32)).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});

describe('picture messages sent by the account', () => {
  it('fetches each MediaUrl while sending: MM SID, num_media, the Media list, and the picture on the handset', async () => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.manual, from: TEAM, body: 'Look', mediaUrl: [`${h.appOrigin}/pic.png`] });
    expect(msg.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(msg).toMatchObject({ numMedia: '1', numSegments: '1' });
    await until(async () => (await c.messages(msg.sid).fetch()).status === 'delivered', 'delivered');
    const media = await c.messages(msg.sid).media.list();
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ accountSid: ACCOUNT, parentSid: msg.sid, contentType: 'image/png' });
    const copy = (await inboxOf(PHONES.manual)).find((m) => m.sid === msg.sid)!;
    expect(copy.media).toMatchObject([{ sid: media[0]!.sid, contentType: 'image/png', size: pngPicture('sent').length }]);
    const bytes = Buffer.from(await (await fetch(`${h.origin}${copy.media[0]!.url}`)).arrayBuffer());
    expect(bytes.equals(pngPicture('sent'))).toBe(true);
  });

  it.each([
    ['an address that does not answer 200', '/gone.png', 11200],
    ['a type no carrier takes', '/page.html', 12300],
  ])('fails with %s', async (_name, path, code) => {
    const c = h.client();
    const msg = await c.messages.create({ to: PHONES.echo, from: TEAM, mediaUrl: [`${h.appOrigin}${path}`], statusCallback: `${h.appOrigin}/status` });
    await until(() => statusesOf(msg.sid).at(-1) === 'failed', 'failed');
    expect(statusesOf(msg.sid)).toEqual(['sending', 'failed']);
    expect(await c.messages(msg.sid).fetch()).toMatchObject({ status: 'failed', errorCode: code });
  });
});
