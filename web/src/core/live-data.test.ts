import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { ChannelHub, FakeApi, FakeLocks, callRecord, fakeEnv, textRecord } from './testing/fake-env';
import { FakeEventServer } from './testing/fake-events';
import { flush, signedIn } from './testing/phone-harness';

const missed = (id: string, minute: number) => callRecord(id, { startedAt: new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString() });

async function signedInWith(records = [missed('c1', 1)]) {
  const api = new FakeApi();
  api.history = records;
  const t = await signedIn({ api });
  await flush();
  return t;
}

describe('LiveData: lists loaded once the stream is live, then kept current by it', () => {
  it('loads history, unseen counts and presence once, and never polls', async () => {
    const t = await signedInWith();
    const { live } = t.controller;
    expect(t.events.connections).toBe(1);
    expect(live.history.getView()).toMatchObject({ ids: ['c1'], status: 'ready' });
    expect(live.unseen.get()).toEqual({ missedCalls: 1 });
    expect(live.presence.get().bob).toEqual({ user: 'bob', availability: 'available', onCall: false });
    for (let i = 0; i < 3; i++) {
      t.env.runTimers();
      await flush();
    }
    expect(t.api.callQueries).toHaveLength(1);
  });

  it('a missed call shows up live, with the badge, and notifies only while the tab is hidden', async () => {
    const t = await signedInWith();
    t.env.permission = 'granted';
    t.events.push({ type: 'call', call: missed('c2', 2) });
    t.events.push({ type: 'unseen', unseen: { missedCalls: 2 } });
    expect(t.controller.live.history.getView().ids).toEqual(['c2', 'c1']);
    expect(t.controller.live.unseen.get()).toEqual({ missedCalls: 2 });
    expect(t.env.notifications).toEqual([]);
    t.env.hidden = true;
    t.events.push({ type: 'call', call: missed('c3', 3) });
    // Called back later: the same call again, no second notification.
    t.events.push({ type: 'call', call: { ...missed('c3', 3), calledBackBy: 'bob' } });
    expect(t.env.notifications).toEqual([{ title: 'Missed call', body: '+12025550123 called the team', closed: false }]);
    expect(t.controller.live.history.getRecord('c3')!.calledBackBy).toBe('bob');
  });

  it('texts: conversations and the open thread follow the events, unread counts merge with missed calls, a hidden tab notifies once', async () => {
    const t = await signedInWith();
    const { live } = t.controller;
    t.env.permission = 'granted';
    const conversation = { id: '1', peer: '+14155550123', lastMessage: 'Hi', lastAt: '2026-01-01T10:00:00.000Z', unread: 1, optedOut: false };
    t.events.push({ type: 'conversation', conversation });
    t.events.push({ type: 'unseen', unseen: { missedCalls: 1, messages: 1 } });
    expect(live.messages.getView().conversations).toEqual([conversation]);
    // A missed-call count from the history side leaves the message count as it was.
    t.events.push({ type: 'unseen', unseen: { missedCalls: 2 } });
    expect(live.unseen.get()).toMatchObject({ missedCalls: 2, messages: 1 });
    t.env.hidden = true;
    t.events.push({ type: 'message', message: textRecord('7', { body: 'Are you open?' }) });
    t.events.push({ type: 'message', message: textRecord('7', { body: 'Are you open?' }) });
    t.events.push({ type: 'message', message: textRecord('8', { direction: 'outbound', status: 'queued', sentBy: 'alice' }) });
    expect(t.env.notifications).toEqual([{ title: 'Text from +14155550123', body: 'Are you open?', closed: false }]);
  });

  it('seeing the list marks missed calls seen up to the newest one shown, and closes their notifications', async () => {
    const t = await signedInWith([missed('c1', 1), missed('c2', 2)]);
    t.env.permission = 'granted';
    t.env.hidden = true;
    t.events.push({ type: 'call', call: missed('c3', 3) });
    await t.controller.live.markSeen(); // a hidden tab sees nothing
    expect(t.api.seenRequests).toEqual([]);
    t.env.hidden = false;
    await t.controller.live.markSeen();
    expect(t.api.seenRequests).toEqual([missed('c3', 3).startedAt]);
    expect(t.controller.live.unseen.get()).toEqual({ missedCalls: 0 });
    expect(t.controller.live.history.getRecord('c3')!.seen).toBe(true);
    expect(t.env.notifications[0]!.closed).toBe(true);
    await t.controller.live.markSeen(); // nothing unseen: no request
    expect(t.api.seenRequests).toHaveLength(1);
  });

  it('missed calls seen on another device are seen here too, up to the server’s watermark', async () => {
    const t = await signedInWith([missed('c1', 1), missed('c2', 2), missed('c3', 3)]);
    const seen = () => ['c1', 'c2', 'c3'].map((id) => t.controller.live.history.getRecord(id)!.seen);
    t.events.push({ type: 'unseen', unseen: { missedCalls: 1, seenUpTo: missed('c2', 2).startedAt } });
    expect(seen()).toEqual([true, true, false]);
    t.events.push({ type: 'unseen', unseen: { missedCalls: 0 } });
    expect(seen()).toEqual([true, true, true]);
  });

  it('presence changes arrive live; my availability changes at once and is undone if the server refuses', async () => {
    const t = await signedInWith();
    const { live } = t.controller;
    t.events.push({ type: 'presence', presence: { user: 'bob', availability: 'available', onCall: true } });
    expect(live.presence.get().bob!.onCall).toBe(true);
    expect(await live.setAvailability('dnd')).toBeNull();
    expect(live.presence.get().alice!.availability).toBe('dnd');
    t.api.liveError = new ApiError('The store is unavailable, nothing was changed.', 503, 'store_unavailable');
    const pending = live.setAvailability('available');
    expect(live.presence.get().alice!.availability).toBe('available');
    expect(await pending).toBe('The store is unavailable, nothing was changed.');
    expect(live.presence.get().alice!.availability).toBe('dnd');
  });

  it('reloads the lists when the server says events were lost', async () => {
    const t = await signedInWith();
    t.api.history.push(missed('c2', 2));
    t.events.push({ type: 'reset' });
    await flush();
    expect(t.controller.live.history.getView().ids).toEqual(['c2', 'c1']);
  });

  it('loads the lists anyway when the stream does not come up', async () => {
    const events = new FakeEventServer();
    events.answering = false;
    const api = new FakeApi();
    api.history = [missed('c1', 1)];
    const t = await signedIn({ api, events });
    expect(t.controller.live.history.getView().status).toBe('idle');
    t.env.runTimers();
    await flush();
    expect(t.controller.live.history.getView().ids).toEqual(['c1']);
  });

  it('a 401 on the stream signs the tab out, and sign-out forgets the lists', async () => {
    const events = new FakeEventServer();
    events.refuseWith = 401;
    const t = await signedIn({ events });
    await flush();
    expect(t.controller.getSnapshot()).toMatchObject({ user: null, phone: { status: 'signedOut', problem: { reason: 'sessionExpired' } } });
    expect(t.controller.live.history.getView().ids).toEqual([]);
    expect(t.controller.live.unseen.get()).toBeNull();
  });

  it('two tabs of one browser share one stream and both show the missed call; only one notifies', async () => {
    const hub = new ChannelHub();
    const locks = new FakeLocks();
    const events = new FakeEventServer();
    const api = new FakeApi();
    const a = await signedIn({ env: fakeEnv({ hub, locks }), events, api });
    const b = await signedIn({ env: fakeEnv({ hub, locks }), events, api });
    await flush();
    for (const t of [a, b]) {
      t.env.permission = 'granted';
      t.env.hidden = true;
    }
    expect(events.connections).toBe(1);
    events.push({ type: 'call', call: missed('c1', 1) });
    expect(a.controller.live.history.getView().ids).toEqual(['c1']);
    expect(b.controller.live.history.getView().ids).toEqual(['c1']);
    expect(a.env.notifications.length + b.env.notifications.length).toBe(1);
    // The leader signs out of this tab only: the other takes the stream over.
    await a.controller.signOut();
    await flush();
    expect(events.connections).toBe(1);
    expect(events.requests.at(-1)).toEqual({ lastEventId: '1' });
  });
});

describe('LiveData: voicemail', () => {
  const message = (id: string, minute: number, heardBy: string[] = []) => ({
    id,
    callId: `c${id}`,
    from: '+12025550104',
    durationSeconds: 3,
    createdAt: new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString(),
    heard: heardBy.includes('alice'),
    heardBy,
  });

  it('loads the voicemails with the lists, adds new ones live (newest first), and marks one heard on the server', async () => {
    const api = new FakeApi();
    api.voicemailItems = [message('1', 1)];
    const t = await signedIn({ api });
    await flush();
    const { voicemails } = t.controller.live;
    expect(voicemails.getStatus()).toBe('ready');
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['1']);

    t.events.push({ type: 'voicemail', voicemail: message('2', 2) });
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['2', '1']);
    // Someone else heard it: the same message, changed in place.
    t.events.push({ type: 'voicemail', voicemail: message('1', 1, ['bob']) });
    expect(voicemails.getItems().map((v) => [v.id, v.heard, v.heardBy])).toEqual([['2', false, []], ['1', false, ['bob']]]);

    api.voicemailItems = [message('1', 1, ['bob']), message('2', 2)];
    expect(await t.controller.live.markVoicemailHeard('2')).toBeNull();
    expect(voicemails.getItems()[0]).toMatchObject({ id: '2', heard: true, heardBy: ['alice'] });
    expect(await t.controller.live.markVoicemailHeard('9')).toMatch(/no such voicemail/);
  });

  it('deletes a voicemail at once, back if the server refuses; undo restores it; a live delete drops it', async () => {
    const api = new FakeApi();
    api.voicemailItems = [message('1', 1), message('2', 2)];
    const t = await signedIn({ api });
    await flush();
    const { voicemails } = t.controller.live;
    const pending = t.controller.live.deleteVoicemail('2');
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['1']);
    expect(await pending).toHaveProperty('restorableUntil');
    expect(await t.controller.live.restoreVoicemail('2')).toBeNull();
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['2', '1']);
    expect(await t.controller.live.restoreVoicemail('2')).toMatch(/too late/);

    api.liveError = new Error('offline');
    expect(await t.controller.live.deleteVoicemail('1')).toEqual({ error: 'offline' });
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['2', '1']);

    t.events.push({ type: 'voicemail-deleted', id: '2' });
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['1']);
    t.events.push({ type: 'voicemail-deleted', id: '2' });
    expect(voicemails.getItems().map((v) => v.id)).toEqual(['1']);
  });

  it('notifies a new voicemail once while hidden, in place of its missed call; not one already listed, heard, or when visible', async () => {
    const api = new FakeApi();
    api.voicemailItems = [message('1', 1)];
    const t = await signedIn({ api });
    await flush();
    t.env.permission = 'granted';
    t.env.hidden = true;
    t.events.push({ type: 'voicemail', voicemail: message('1', 1) });
    t.events.push({ type: 'voicemail', voicemail: message('3', 3, ['bob']) });
    const fresh = message('2', 2);
    t.events.push({ type: 'voicemail', voicemail: fresh });
    t.events.push({ type: 'voicemail', voicemail: message('2', 2, ['bob']) });
    expect(t.env.notifications).toEqual([{ title: `Voicemail from ${fresh.from}`, body: '3 s', closed: false }]);
    t.env.hidden = false;
    t.events.push({ type: 'voicemail', voicemail: message('4', 4) });
    expect(t.env.notifications).toHaveLength(1);
  });

  it('a voicemail row left unseen in Recents is marked seen though no missed call is counted', async () => {
    const api = new FakeApi();
    api.history = [callRecord('c1', { outcome: 'voicemail' })];
    const t = await signedIn({ api });
    await flush();
    t.controller.live.unseen.set({ missedCalls: 0, voicemails: 1 });
    await t.controller.live.markSeen();
    expect(t.api.seenRequests).toHaveLength(1);
    expect(t.controller.live.history.getRecord('c1')!.seen).toBe(true);
  });

  it('sign-out forgets them', async () => {
    const api = new FakeApi();
    api.voicemailItems = [message('1', 1)];
    const t = await signedIn({ api });
    await flush();
    t.controller.live.stop();
    expect(t.controller.live.voicemails.getItems()).toEqual([]);
  });
});
