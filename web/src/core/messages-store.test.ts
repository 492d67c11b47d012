import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../contracts/api';
import { ApiError } from './api';
import { MessagesStore } from './messages-store';
import { FakeApi, textRecord } from './testing/fake-env';

const conversation = (id: string, change: Partial<Conversation> = {}): Conversation => ({
  id,
  peer: `+1415555010${id}`,
  lastMessage: `last ${id}`,
  lastAt: new Date(Date.UTC(2026, 0, 1, 10, Number(id))).toISOString(),
  unread: 0,
  optedOut: false,
  ...change,
});

function setup(hidden = false) {
  const api = new FakeApi();
  const log: string[] = [];
  const unseen: unknown[] = [];
  const store = new MessagesStore({ api, isHidden: () => hidden, log: (l) => log.push(l), unseen: (u) => unseen.push(u) });
  return { api, store, log, unseen };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('MessagesStore', () => {
  it('lists conversations most recent first and keeps them current from events', async () => {
    const { api, store } = setup();
    api.conversationList = [conversation('1'), conversation('3'), conversation('2')];
    await store.load();
    expect(store.getView().conversations.map((c) => c.id)).toEqual(['3', '2', '1']);
    store.upsertConversation(conversation('1', { lastAt: '2026-02-01T00:00:00.000Z', unread: 2 }));
    expect(store.getView().conversations.map((c) => [c.id, c.unread])).toEqual([['1', 2], ['3', 0], ['2', 0]]);
  });

  it('opens a conversation oldest first, marks it read, and adds live messages to it only', async () => {
    const { api, store, unseen } = setup();
    api.conversationList = [conversation('1', { unread: 1 })];
    api.texts['1'] = [textRecord('5'), textRecord('4')];
    await store.load();
    await store.open('1');
    await settle();
    expect(store.getView().thread.map((m) => m.id)).toEqual(['4', '5']);
    expect(api.reads).toEqual(['1']);
    expect(unseen).toHaveLength(1);
    expect(store.getView().conversations[0]?.unread).toBe(0);
    store.upsertMessage(textRecord('6'));
    store.upsertMessage(textRecord('7', { conversationId: '2' }));
    expect(store.getView().thread.map((m) => m.id)).toEqual(['4', '5', '6']);
  });

  it('does not mark read while the tab is hidden', async () => {
    const { api, store } = setup(true);
    api.conversationList = [conversation('1', { unread: 3 })];
    await store.load();
    await store.open('1');
    await settle();
    expect(api.reads).toEqual([]);
  });

  it('never lets a late answer to a send undo a delivery the event already showed', async () => {
    const { api, store } = setup();
    api.conversationList = [conversation('1', { peer: '+14155550123' })];
    await store.load();
    await store.open('1');
    store.upsertMessage(textRecord('101', { direction: 'outbound', status: 'delivered', body: 'hello' }));
    expect(await store.send('+14155550123', 'hello')).toBeNull();
    expect(store.getView().thread.find((m) => m.id === '101')?.status).toBe('delivered');
  });

  it('starts a conversation with a new number and adopts its id once the server names it', async () => {
    const { store } = setup();
    await store.load();
    await store.startWith('+14155550199');
    expect(store.getView().open).toEqual({ id: null, peer: '+14155550199' });
    store.upsertConversation(conversation('9', { peer: '+14155550199' }));
    expect(store.getView().open).toEqual({ id: '9', peer: '+14155550199' });
  });

  it('gives the server’s words when a send is refused', async () => {
    const { api, store } = setup();
    api.sendError = new ApiError('This number replied STOP.', 409, 'opted_out');
    expect(await store.send('+14155550123', 'x')).toBe('This number replied STOP.');
  });

  it('keeps a refused text in the open conversation as a failed bubble, with Twilio’s code, until a retry replaces it', async () => {
    const { api, store } = setup();
    api.conversationList = [conversation('1', { peer: '+14155550123' })];
    api.texts['1'] = [textRecord('5', { peer: '+14155550123', body: 'earlier' })];
    await store.load();
    await store.open('1');
    api.sendError = new ApiError('Twilio says this is not a valid phone number (error 21211).', 502, 'twilio_refused');
    expect(await store.send('+14155550123', 'see you at 5')).toBe('Twilio says this is not a valid phone number (error 21211).');
    const thread = store.getView().thread;
    expect(thread.map((m) => m.body)).toEqual(['earlier', 'see you at 5']);
    expect(thread[1]).toMatchObject({ id: 'local-1', direction: 'outbound', status: 'failed', errorCode: 21211 });
    api.sendError = undefined;
    expect(await store.send('+14155550123', 'see you at 5', 'local-1')).toBeNull();
    expect(store.getView().thread.map((m) => [m.body, m.status])).toEqual([['earlier', 'received'], ['see you at 5', 'queued']]);
  });

  it('puts a refusal in the words the app is given', async () => {
    const api = new FakeApi();
    const store = new MessagesStore({ api, isHidden: () => false, log: () => undefined, unseen: () => undefined, refusal: (r) => `${r.code}/${r.twilioCode}` });
    api.sendError = new ApiError('This number replied STOP.', 409, 'opted_out');
    expect(await store.send('+14155550123', 'x')).toBe('opted_out/21610');
  });
});
