import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../contracts/api';
import { EventStream } from './event-stream';
import { SharedEventStream } from './shared-stream';
import { TabCoordinator } from './tabs';
import { ChannelHub, FakeLocks, fakeEnv } from './testing/fake-env';
import { FakeEventServer } from './testing/fake-events';
import { flush } from './testing/phone-harness';

const unseen = (missedCalls: number): ServerEvent => ({ type: 'unseen', unseen: { missedCalls } });

/** Tabs of one browser (one Web Locks manager, one BroadcastChannel hub) against one event server. */
function oneBrowser(options: { locks?: boolean } = {}) {
  const hub = new ChannelHub();
  const locks = options.locks === false ? undefined : new FakeLocks();
  const server = new FakeEventServer();
  const env = fakeEnv();
  let count = 0;
  const open = () => {
    const coordinator = new TabCoordinator('alice', { createChannel: hub.create, locks, tabId: `tab-${++count}` });
    const tab = { coordinator, got: [] as Array<{ event: ServerEvent; leader: boolean }>, live: [] as boolean[], signedOut: 0, shared: null as unknown as SharedEventStream };
    tab.shared = new SharedEventStream(coordinator, (lastEventId, host) => new EventStream(server.transport, env, host, lastEventId), {
      event: (event, leader) => tab.got.push({ event, leader }),
      live: (fresh) => tab.live.push(fresh),
      signedOut: () => tab.signedOut++,
      log: () => undefined,
    });
    tab.shared.start();
    return tab;
  };
  /** The tab goes away as a closed tab does: its lock, channel and connection with it. */
  const close = (tab: ReturnType<typeof open>) => {
    tab.shared.stop();
    tab.coordinator.close();
  };
  const events = (tab: ReturnType<typeof open>) => tab.got.map((g) => g.event);
  return { server, env, open, close, events };
}

describe('SharedEventStream: one stream per browser', () => {
  it('seven tabs hold one connection, and every tab gets every event once', async () => {
    const b = oneBrowser();
    const tabs = Array.from({ length: 7 }, () => b.open());
    await flush();
    expect(b.server.connections).toBe(1);
    expect(tabs.map((t) => t.shared.holdsStream)).toEqual([true, false, false, false, false, false, false]);
    b.server.push(unseen(1));
    b.server.push(unseen(2));
    for (const tab of tabs) expect(b.events(tab)).toEqual([unseen(1), unseen(2)]);
    expect(tabs[0]!.got.every((g) => g.leader)).toBe(true);
    expect(tabs[6]!.got.some((g) => g.leader)).toBe(false);
  });

  it('hands the stream over when the leader closes, resuming after the last event so none is lost', async () => {
    const b = oneBrowser();
    const [first, second, third] = [b.open(), b.open(), b.open()];
    await flush();
    b.server.push(unseen(1));
    b.close(first!);
    b.server.push(unseen(2)); // between the leader going and the next one connecting
    await flush();
    expect(b.server.requests).toEqual([{ lastEventId: null }, { lastEventId: '1' }]);
    expect(b.server.connections).toBe(1);
    expect(second!.shared.holdsStream).toBe(true);
    b.server.push(unseen(3));
    for (const tab of [second!, third!]) expect(b.events(tab)).toEqual([unseen(1), unseen(2), unseen(3)]);
    // Resumed: the lists the tabs hold are still right, nothing to reload.
    expect(second!.live).not.toContain(true);
    expect(third!.live).not.toContain(true);
  });

  it('a tab opened after the last event learns where the stream is, and resumes from there when it takes over', async () => {
    const b = oneBrowser();
    const first = b.open();
    await flush();
    b.server.push(unseen(1));
    b.server.push(unseen(2));
    const late = b.open();
    expect(late.shared.lastEventId).toBe('2');
    expect(late.live).toEqual([false]); // the stream is live: it may load its lists now
    b.close(first);
    await flush();
    expect(b.server.requests.at(-1)).toEqual({ lastEventId: '2' });
    expect(b.events(late)).toEqual([]);
  });

  it('a stream that cannot resume tells every tab to reload', async () => {
    const b = oneBrowser();
    b.server.answering = false;
    const [first, second] = [b.open(), b.open()];
    await flush();
    b.server.answer();
    expect(first!.live).toEqual([true]);
    expect(second!.live).toEqual([true]);
    b.server.keepFrom = 10;
    b.server.push(unseen(1));
    b.close(first!);
    await flush();
    // The server no longer has what followed event 1: it says reset, and the tab passes it on.
    expect(b.events(second!).at(-1)).toEqual({ type: 'reset' });
  });

  it('a tab that holds the stream ignores late relays from the leader before it', async () => {
    const b = oneBrowser();
    const [first, second] = [b.open(), b.open()];
    await flush();
    b.close(first!);
    await flush();
    first!.coordinator.relay('events', { kind: 'event', id: '99', event: unseen(99) });
    expect(b.events(second!)).toEqual([]);
  });

  it('stops when the session is over (401), and says so', async () => {
    const b = oneBrowser();
    b.server.refuseWith = 401;
    const tab = b.open();
    await flush();
    expect(tab.signedOut).toBe(1);
  });

  it('without Web Locks every tab holds its own stream and relays nothing', async () => {
    const b = oneBrowser({ locks: false });
    const [first, second] = [b.open(), b.open()];
    await flush();
    expect(b.server.connections).toBe(2);
    b.server.push(unseen(1));
    expect(b.events(first!)).toEqual([unseen(1)]);
    expect(b.events(second!)).toEqual([unseen(1)]);
  });
});
