/**
 * One live event stream per browser, shared by all tabs of the person. Browsers open about six
 * HTTP/1.1 connections per host and every tab of the phone stays open, so a stream per tab would
 * stall the seventh tab; instead the leader tab (Web Locks, tabs.ts) holds the one EventStream and
 * relays each event on the BroadcastChannel. Every tab remembers the id of the last event it has
 * seen, so when the leader goes away the next tab resumes from there (Last-Event-ID) and nothing
 * is lost. Tabs that cannot elect a leader (no Web Locks or no BroadcastChannel) each hold their own.
 *
 * Relays: `event` (leader → all), `opened` (leader → all: the stream is live; `fresh` when it could
 * not resume, so lists must be reloaded), `hello` (a new tab → leader) answered by `state`.
 */
import type { ServerEvent } from '../../../contracts/api';
import { EventStream, type EventStreamHost, type StreamedEvent } from './event-stream';
import type { TabCoordinator, TabRelay } from './tabs';

export const STREAM_TOPIC = 'events';

type Relay =
  | { kind: 'event'; id: string | null; event: ServerEvent }
  | { kind: 'opened'; id: string | null; fresh: boolean }
  | { kind: 'hello' }
  | { kind: 'state'; id: string | null; open: boolean };

export interface SharedStreamHost {
  /** A server event, in order; `leader` is true in the tab that received it from the server. */
  event(event: ServerEvent, leader: boolean): void;
  /** The browser's stream is live. `fresh`: it could not resume, so events may have been missed. */
  live(fresh: boolean): void;
  signedOut(): void;
  log(line: string): void;
}

/** Opens this tab's own stream, resuming after `lastEventId` when given. */
export type OpenStream = (lastEventId: string | null, host: EventStreamHost) => EventStream;

export type TabsPort = Pick<TabCoordinator, 'isLeader' | 'shares' | 'onLeaderChange' | 'onRelay' | 'relay'>;

export class SharedEventStream {
  /** The id of the last event this tab has seen, from its own stream or a relay. */
  private cursor: string | null = null;
  private own: EventStream | null = null;
  private ownOpen = false;
  private readonly offs: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly tabs: TabsPort,
    private readonly open: OpenStream,
    private readonly host: SharedStreamHost,
  ) {}

  /** The id of the last event seen here (for tests and the log). */
  get lastEventId(): string | null {
    return this.cursor;
  }

  get holdsStream(): boolean {
    return this.own !== null;
  }

  start(): void {
    if (!this.tabs.shares) {
      this.takeOver();
      return;
    }
    this.offs.push(
      this.tabs.onLeaderChange((leader) => (leader ? this.takeOver() : this.release())),
      this.tabs.onRelay((relay) => this.onRelay(relay)),
    );
    if (this.tabs.isLeader) this.takeOver();
    else this.send({ kind: 'hello' });
  }

  stop(): void {
    this.stopped = true;
    this.offs.splice(0).forEach((off) => off());
    this.release();
  }

  private takeOver(): void {
    if (this.own || this.stopped) return;
    this.host.log(this.cursor === null ? 'This tab holds the live updates' : `This tab holds the live updates, resuming after event ${this.cursor}`);
    const stream = this.open(this.cursor, {
      opened: (resumed) => {
        this.ownOpen = true;
        this.send({ kind: 'opened', id: this.cursor, fresh: !resumed });
        this.host.live(!resumed);
      },
      event: (streamed) => this.onOwnEvent(streamed),
      signedOut: () => this.host.signedOut(),
      log: (line) => this.host.log(line),
    });
    this.own = stream;
    stream.start();
  }

  private release(): void {
    this.own?.stop();
    this.own = null;
    this.ownOpen = false;
  }

  private onOwnEvent({ id, event }: StreamedEvent): void {
    this.cursor = id;
    this.send({ kind: 'event', id, event });
    this.host.event(event, true);
  }

  private onRelay(message: TabRelay): void {
    if (message.topic !== STREAM_TOPIC || this.stopped) return;
    const relay = message.body as Relay;
    if (relay.kind === 'hello') {
      if (this.own) this.send({ kind: 'state', id: this.cursor, open: this.ownOpen });
      return;
    }
    // A tab holding the stream trusts only its own: a late relay from a leader that has just gone
    // would otherwise put an older version of a record over a newer one.
    if (this.own) return;
    if (relay.kind === 'event') {
      this.cursor = relay.id;
      this.host.event(relay.event, false);
    } else if (relay.kind === 'opened') {
      this.cursor = relay.id;
      this.host.live(relay.fresh);
    } else if (relay.kind === 'state') {
      this.cursor = relay.id;
      if (relay.open) this.host.live(false);
    }
  }

  private send(relay: Relay): void {
    if (this.tabs.shares) this.tabs.relay(STREAM_TOPIC, relay);
  }
}
