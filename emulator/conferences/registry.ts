/**
 * Every conference of the account, by SID, and the live one of each friendly name: the first
 * participant to join a name creates a conference (status init), and once it has completed the name
 * is free for a new one with a new SID. The only place that creates or forgets conferences.
 */
import { Conference, type ConferenceDeps, type ConferenceSettings } from './conference';

/** Completed conferences are forgotten, oldest first, beyond this many. */
const MAX_KEPT = 200;

export class ConferenceRegistry {
  private readonly all = new Map<string, Conference>();
  private readonly live = new Map<string, Conference>();

  constructor(private readonly deps: ConferenceDeps) {}

  get(sid: string): Conference | undefined {
    return this.all.get(sid);
  }

  /** The conference of this name that has not completed yet. */
  liveByName(name: string): Conference | undefined {
    return this.live.get(name);
  }

  /** Oldest first. */
  values(): IterableIterator<Conference> {
    return this.all.values();
  }

  /** The live conference of this name, or a new one with these settings. */
  open(name: string, settings: ConferenceSettings): Conference {
    const existing = this.live.get(name);
    if (existing) return existing;
    const conference = new Conference(name, settings, this.deps, (c) => {
      if (this.live.get(c.friendlyName) === c) this.live.delete(c.friendlyName);
    });
    this.live.set(name, conference);
    this.all.set(conference.sid, conference);
    this.forgetOld();
    return conference;
  }

  /** Live conferences end (the emulator is stopping). */
  shutdown(): void {
    for (const c of [...this.live.values()]) c.end();
  }

  private forgetOld(): void {
    if (this.all.size <= MAX_KEPT) return;
    for (const [sid, c] of this.all) {
      if (this.all.size <= MAX_KEPT) break;
      if (c.status === 'completed') this.all.delete(sid);
    }
  }
}
